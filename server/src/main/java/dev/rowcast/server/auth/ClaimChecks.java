package dev.rowcast.server.auth;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * The claim checks, each done by its own Nimbus {@link DefaultJWTClaimsVerifier} so that a
 * failure says which check failed ({@link Rejected#reason}) without parsing Nimbus's messages.
 */
final class ClaimChecks implements JWTClaimsSetVerifier<SecurityContext> {
    private final Check time;
    private final Check issuer;
    private final Check audience;

    /** @param audiences a token's aud must hold one of these; empty: any */
    ClaimChecks(String issuer, List<String> audiences, int clockSkewSeconds, Clock clock) {
        this.time = new Check(null, null, clockSkewSeconds, clock);
        this.issuer = issuer == null ? null
                : new Check(null, new JWTClaimsSet.Builder().issuer(issuer).build(), clockSkewSeconds, clock);
        this.audience = audiences.isEmpty() ? null : new Check(Set.copyOf(audiences), null, clockSkewSeconds, clock);
    }

    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
        try {
            time.verify(claims, context);
        } catch (BadJWTException e) {
            // Nimbus checks exp before nbf; an expired token is the only one whose message says so.
            throw new Rejected("Expired JWT".equals(e.getMessage()) ? "expired" : "not_before", e);
        }
        if (issuer != null) {
            try {
                issuer.verify(claims, context);
            } catch (BadJWTException e) {
                throw new Rejected("issuer", e);
            }
        }
        if (audience != null) {
            try {
                audience.verify(claims, context);
            } catch (BadJWTException e) {
                throw new Rejected("audience", e);
            }
        }
    }

    /** A claim check that failed, with the reason sent to the client. */
    static final class Rejected extends BadJWTException {
        final String reason;

        Rejected(String reason, BadJWTException cause) {
            super(cause.getMessage(), cause);
            this.reason = reason;
        }
    }

    private static final class Check extends DefaultJWTClaimsVerifier<SecurityContext> {
        private final Clock clock;

        Check(Set<String> audience, JWTClaimsSet exactMatch, int clockSkewSeconds, Clock clock) {
            super(audience, exactMatch, null, null);
            this.clock = clock;
            setMaxClockSkew(clockSkewSeconds);
        }

        @Override
        protected Date currentTime() {
            return Date.from(clock.instant());
        }
    }
}
