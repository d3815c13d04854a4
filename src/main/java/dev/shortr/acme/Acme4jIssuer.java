package dev.shortr.acme;

import dev.shortr.config.AcmeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * Orders one certificate from an ACME CA with acme4j (RFC 8555 §7): finds or makes the account by its key,
 * places an order for every configured name, answers each pending authorization's HTTP-01 challenge through
 * {@link Challenges} (so this node's own listener serves it), finalizes with a fresh EC P-256 key and downloads
 * the chain. Blocking; one order at a time.
 */
final class Acme4jIssuer {
    /** How long the CA may take to validate a challenge, or to issue once the order is ready. */
    private static final Duration WAIT = Duration.ofMinutes(2);

    /** A certificate chain (leaf first) and the private key it was issued for. */
    record Issued(List<X509Certificate> chain, KeyPair key) {}

    private final AcmeConfig config;
    private final Challenges challenges;
    /** Trust for the directory's own HTTPS, or null for the JDK's trust store. */
    private final SSLContext directoryTrust;

    /** @throws IOException when {@code tls.acme.directoryCa} cannot be read */
    Acme4jIssuer(AcmeConfig config, Challenges challenges) throws IOException {
        this.config = config;
        this.challenges = challenges;
        this.directoryTrust = config.directoryCa() == null ? null : trusting(config.directoryCa());
    }

    Issued order(KeyPair accountKey) throws AcmeException, InterruptedException {
        AccountBuilder account = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
        if (!config.email().isEmpty()) {
            account.addEmail(config.email());
        }
        Login login = account.createLogin(session());
        Order order = login.getAccount().newOrder().domains(config.domains()).create();
        for (Authorization authorization : order.getAuthorizations()) {
            authorize(authorization);
        }
        order.waitUntilReady(WAIT);
        KeyPair key = AcmeFiles.newKeyPair();
        order.execute(key);
        Status status = order.waitForCompletion(WAIT);
        if (status != Status.VALID) {
            throw new AcmeException("the order ended " + status + why(order.getError().orElse(null)));
        }
        List<X509Certificate> chain = order.getCertificate().getCertificateChain();
        return new Issued(chain, key);
    }

    /** Proves control of one name over HTTP-01, unless the CA still holds a valid authorization for it. */
    private void authorize(Authorization authorization) throws AcmeException, InterruptedException {
        String name = authorization.getIdentifier().getValue();
        if (authorization.getStatus() == Status.VALID) {
            return;
        }
        if (authorization.getStatus() != Status.PENDING) {
            throw new AcmeException("the authorization for " + name + " is " + authorization.getStatus());
        }
        Http01Challenge challenge = authorization.findChallenge(Http01Challenge.class).orElseThrow(() ->
                new AcmeException("the CA offers no HTTP-01 challenge for " + name));
        challenges.publish(challenge.getToken(), challenge.getAuthorization());
        try {
            challenge.trigger();
            Status status = challenge.waitForCompletion(WAIT);
            if (status != Status.VALID) {
                throw new AcmeException("the CA could not validate " + name + " over HTTP-01 (is port 80 of " + name
                        + " this node?)" + why(challenge.getError().orElse(null)));
            }
        } finally {
            challenges.withdraw(challenge.getToken());
        }
    }

    private static String why(Problem problem) {
        return problem == null ? "" : ": " + problem;
    }

    private Session session() {
        URI directory = URI.create(config.directory());
        return directoryTrust == null ? new Session(directory) : new Session(directory, new TrustingProvider(directoryTrust));
    }

    /** An SSL context that trusts the CA certificates in {@code pem}, and nothing else. */
    private static SSLContext trusting(Path pem) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            List<X509Certificate> cas = AcmeFiles.certificates(Files.readAllBytes(pem));
            if (cas.isEmpty()) {
                throw new IOException("no CERTIFICATE in it");
            }
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException("tls.acme.directoryCa " + pem + ": " + e.getMessage(), e);
        }
    }

    /** acme4j's provider for plain https directories, with its HTTP client trusting only the given CAs. */
    private static final class TrustingProvider extends GenericAcmeProvider {
        private final SSLContext ssl;

        TrustingProvider(SSLContext ssl) {
            this.ssl = ssl;
        }

        @Override
        public HttpClient createHttpClient(NetworkSettings settings) {
            HttpClient.Builder b = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(settings.getTimeout())
                    .proxy(settings.getProxySelector())
                    .sslContext(ssl);
            if (settings.getAuthenticator() != null) {
                b.authenticator(settings.getAuthenticator());
            }
            return b.build();
        }
    }
}
