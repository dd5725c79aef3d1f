package dev.rowcast.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.rowcast.server.auth.AuthOptions;
import dev.rowcast.server.testing.FailOnNettyLeak;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A JWKS fetched over HTTP may block: the CONNECT is verified off the event loop and answered from there. */
@ExtendWith(FailOnNettyLeak.class)
class RemoteJwksTest {

    private static String rs256(RSAKey key, String sub) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject(sub).expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void tokensAreVerifiedAgainstAJwksServedOverHttp() throws Exception {
        RSAKey published = new RSAKeyGenerator(2048).keyID("published").generate();
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("unknown").generate();
        byte[] jwks = new JWKSet(published.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        idp.start();
        AuthOptions auth = AuthOptions.builder().required(true)
                .jwks("http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks.json").build();
        try (RealtimeServer realtime = RealtimeServer.launch(RealtimeOptions.builder().auth(auth).build());
             RawClient user = RawClient.connectWithToken(realtime.port(), rs256(published, "5"));
             RawClient stranger = RawClient.open(realtime.port(), "{\"token\":\"" + rs256(unknown, "6") + "\"}")) {
            assertThat(realtime.socket(user.sid).data()).containsEntry(SocketData.TOKEN_USER, "5");
            assertThat(stranger.next()).isEqualTo("44{\"message\":\"Invalid token\",\"data\":{\"reason\":\"unknown_key\"}}");
        } finally {
            idp.stop(0);
        }
    }
}
