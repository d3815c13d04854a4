package dev.shortr.cli;

import dev.shortr.config.ConfigException;
import dev.shortr.config.ConfigLoader;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code shortr} command. {@link #run} parses, runs and maps every outcome to an exit code: 0 success,
 * 1 failure, 2 usage error, 3 server unreachable. Failures are one line on stderr, never a stack trace.
 */
@Command(name = "shortr", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = Cli.Version.class,
        description = "A URL shortener: run a node, manage its API keys, and manage links, visits and webhooks over its REST API.",
        subcommands = {ServeCommand.class, KeysCommand.class, LinksCommand.class, VisitsCommand.class, WebhooksCommand.class,
                ChangesCommand.class, MigrateCommand.class, DnsCommand.class, EdgeCommand.class, ProbeCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failed (the message on stderr says why)", "2:usage error",
                "3:the server cannot be reached"})
public final class Cli implements Callable<Integer> {
    private final Map<String, String> env;
    @Spec
    CommandSpec spec;

    private Cli(Map<String, String> env) {
        this.env = env;
    }

    /** Runs {@code shortr args} on this process's stdout, stderr and environment; returns the exit code. */
    public static int run(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, System.out.charset());
        PrintWriter err = new PrintWriter(System.err, true, System.err.charset());
        return run(args, out, err, ConfigLoader.environment());
    }

    /** As {@link #run(String[])}, with the given output and environment (for tests and embedding). */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine cl = new CommandLine(new Cli(Map.copyOf(env)))
                .setOut(out)
                .setErr(err)
                .setDefaultValueProvider(new EnvDefaults(env))
                .setParameterExceptionHandler(Cli::usageError)
                .setExecutionExceptionHandler(Cli::failure);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    Map<String, String> env() {
        return env;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: serve, keys, links, visits, webhooks, changes, migrate, dns, edge, probe, version or completion");
    }

    @Command(name = "version", description = "Print the version.")
    int version() {
        spec.commandLine().getOut().println("shortr " + Version.current());
        return 0;
    }

    @Command(name = "completion", description = {"Print a bash completion script.",
            "Use: source <(shortr completion)"})
    int completion() {
        spec.commandLine().getOut().print(AutoComplete.bash("shortr", spec.commandLine()));
        return 0;
    }

    /** Bad arguments: one line with the reason and where to look, exit 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String reason = ApiClient.oneLine(e.getMessage());
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = Table.clean(u.getUnmatched().getFirst());
            if (first.startsWith("-")) {
                reason = "unknown option '" + first + "'" + (u.getSuggestions().isEmpty() ? ""
                        : "; did you mean " + String.join(" or ", u.getSuggestions().stream().limit(3).toList()) + "?");
            } else if (!cmd.getSubcommands().isEmpty()) {
                reason = "unknown command '" + first + "'; expected " + String.join(", ", cmd.getSubcommands().keySet());
            } else {
                reason = "unexpected argument '" + first + "'";
            }
        }
        cmd.getErr().println("shortr: " + reason + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        return Failure.USAGE;
    }

    /** Failures while running: expected ones carry their own line and code; anything else is reported briefly. */
    private static int failure(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        switch (e) {
            case ConfigException c -> {
                c.problems().forEach(p -> err.println("config: " + p));
                return Failure.FAILED;
            }
            case Failure f -> {
                err.println("shortr: " + f.getMessage());
                return f.exitCode();
            }
            default -> {
                // the trace is for developers (raise dev.shortr.cli to DEBUG); users get one line
                LoggerFactory.getLogger(Cli.class).debug("{} failed", cmd.getCommandSpec().qualifiedName(), e);
                err.println("shortr: " + describe(e));
                return Failure.FAILED;
            }
        }
    }

    /** "cannot bind 0.0.0.0:8080: Address already in use": the messages along the cause chain, on one line. */
    static String describe(Throwable e) {
        StringBuilder line = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 4; t = t.getCause(), depth++) {
            String m = t.getMessage() == null ? null : ApiClient.oneLine(t.getMessage());
            if (m == null || m.isEmpty()) {
                m = t == e ? t.getClass().getSimpleName() : null;
            }
            if (m != null && line.indexOf(m) < 0) {
                line.append(line.isEmpty() ? "" : ": ").append(m);
            }
        }
        return line.toString();
    }

    /** {@code Implementation-Version} from the jar's manifest, or "dev" when running from classes. */
    static final class Version implements IVersionProvider {
        static String current() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return v == null || v.isBlank() ? "dev" : v;
        }

        @Override
        public String[] getVersion() {
            return new String[] {"shortr " + current()};
        }
    }
}
