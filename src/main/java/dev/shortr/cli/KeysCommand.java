package dev.shortr.cli;

import dev.shortr.app.Stores;
import dev.shortr.auth.ApiKey;
import dev.shortr.auth.ApiKeys;
import dev.shortr.auth.Scope;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code shortr keys}: API keys, administered directly on a node's store (this is how the first keys are made,
 * so it cannot need one). Run it where the data directory is.
 */
@Command(name = "keys", description = "Create, list and revoke API keys in a local data directory.")
final class KeysCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: create, list or revoke");
    }

    @Command(name = "create", description = "Mint a key. Prints its token, and nothing else, on stdout: it is shown only once.")
    int create(@Mixin StoreOptions store,
               @Option(names = "--name", required = true, paramLabel = "NAME", description = "What the key is for.") String name,
               @Option(names = "--scopes", required = true, split = ",", paramLabel = "SCOPE", converter = ScopeName.class,
                       description = "Comma-separated: admin, links:read, links:write, stats:read, replication.") Set<Scope> scopes)
            throws Exception {
        withKeys(store, keys -> out().println(keys.mint(name, scopes).token()));
        return 0;
    }

    @Command(name = "list", description = "List every key, revoked ones included. Secrets are never stored, so never shown.")
    int list(@Mixin StoreOptions store) throws Exception {
        withKeys(store, keys -> {
            Table t = new Table("ID", "NAME", "SCOPES", "PREFIX", "CREATED", "REVOKED");
            for (ApiKey k : keys.list()) {
                t.row(k.id(), k.name(), k.scopes().stream().map(Scope::wire).sorted().collect(Collectors.joining(",")),
                        k.prefix(), time(k.createdAt()), time(k.revokedAt()));
            }
            t.print(out());
        });
        return 0;
    }

    @Command(name = "revoke", description = "Revoke a key by its id; requests with it fail from now on.")
    int revoke(@Mixin StoreOptions store, @Parameters(paramLabel = "ID", description = "The key's id, as in 'keys list'.") String id)
            throws Exception {
        withKeys(store, keys -> {
            if (!keys.revoke(id)) {
                throw Failure.of("no active key with id '" + Table.clean(id) + "'");
            }
            out().println("revoked " + Table.clean(id));
        });
        return 0;
    }

    @SuppressWarnings("try") // Stores.close() declares Exception, which javac notes could be an InterruptedException
    private void withKeys(StoreOptions store, Consumer<ApiKeys> use) throws Exception {
        try (Stores stores = Stores.open(store.load(cli.env(), Map.of()).store())) {
            use.accept(new ApiKeys(stores.keys(), Clock.systemUTC()));
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private static String time(Instant t) {
        return t == null ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static final class ScopeName implements ITypeConverter<Scope> {
        @Override
        public Scope convert(String value) {
            try {
                return Scope.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
