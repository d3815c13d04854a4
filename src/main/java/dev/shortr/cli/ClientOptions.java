package dev.shortr.cli;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Where the REST API is and how to call it: the options every {@code links} and {@code webhooks} command shares. */
final class ClientOptions {
    @Option(names = "--server", paramLabel = "URL", converter = ServerUrl.class,
            description = {"Server URL. Default: $SHORTR_SERVER, else", EnvDefaults.LOCAL_SERVER})
    URI server;

    @Option(names = "--key", paramLabel = "KEY",
            description = "API key (default: $SHORTR_KEY, or the file named by $SHORTR_KEY_FILE; prefer those, "
                    + "since arguments are visible to other users of this machine).")
    String key;

    @Option(names = "--json", description = "Print the server's JSON as it is.")
    boolean json;

    ApiClient api() {
        return new ApiClient(server, key);
    }

    static final class ServerUrl implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI u = new URI(value.strip());
                if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
                        && u.getRawQuery() == null && u.getRawFragment() == null) {
                    return u;
                }
            } catch (URISyntaxException e) {
                // the message below says what is expected
            }
            throw new TypeConversionException("expected an http:// or https:// URL such as " + EnvDefaults.LOCAL_SERVER
                    + ", got '" + value + "'");
        }
    }
}
