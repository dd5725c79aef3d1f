package dev.rowcast.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The REST API as a Payload client sees it. Each subclass runs it on one database, so H2 and
 * PostgreSQL must answer the same way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RestApiContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SampleApp app;
    private String alice;
    private String bob;
    private long aliceId;
    private long bobId;

    /** A JDBC or postgres:// URL of an empty database for this class. */
    abstract String databaseUrl() throws Exception;

    @BeforeAll
    void startApp() throws Exception {
        app = SampleApp.start(new Settings("127.0.0.1", 0, databaseUrl(), null));
        JsonNode a = login("alice@example.com", "alice");
        JsonNode b = login("bob@example.com", "bob");
        alice = a.get("token").asText();
        bob = b.get("token").asText();
        aliceId = a.get("user").get("id").asLong();
        bobId = b.get("user").get("id").asLong();
    }

    @AfterAll
    void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    // ---- users and tokens

    @Test
    void loginWithTheRightPasswordReturnsTokenUserAndExpiry() throws Exception {
        Response r = call("POST", "/api/users/login", null, "{\"email\":\"bob@example.com\",\"password\":\"bob\"}");
        assertThat(r.status).isEqualTo(200);
        assertThat(r.json.get("user").get("email").asText()).isEqualTo("bob@example.com");
        assertThat(r.json.get("user").has("passwordHash")).isFalse();
        assertThat(r.json.get("exp").asLong()).isGreaterThan(System.currentTimeMillis() / 1000);

        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(r.json.get("token").asText().split("\\.")[1]));
        assertThat(claims.get("sub").asText()).isEqualTo(Long.toString(bobId));
        assertThat(claims.get("email").asText()).isEqualTo("bob@example.com");
        assertThat(claims.get("exp").asLong()).isEqualTo(r.json.get("exp").asLong());
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(r.json.get("token").asText().split("\\.")[0]));
        assertThat(header.get("alg").asText()).isEqualTo("HS256");
    }

    @Test
    void loginWithAWrongPasswordOrUnknownEmailIsRefusedWith401() throws Exception {
        assertThat(call("POST", "/api/users/login", null, "{\"email\":\"bob@example.com\",\"password\":\"alice\"}").status)
                .isEqualTo(401);
        Response unknown = call("POST", "/api/users/login", null, "{\"email\":\"eve@example.com\",\"password\":\"x\"}");
        assertThat(unknown.status).isEqualTo(401);
        assertThat(unknown.errorMessage()).contains("incorrect");
    }

    @Test
    void loginWithoutAPasswordOrWithBrokenJsonIs400() throws Exception {
        Response missing = call("POST", "/api/users/login", null, "{\"email\":\"bob@example.com\"}");
        assertThat(missing.status).isEqualTo(400);
        assertThat(missing.errorMessage()).contains("password");
        assertThat(call("POST", "/api/users/login", null, "{\"email\":").status).isEqualTo(400);
        assertThat(call("POST", "/api/users/login", null, "[1,2]").status).isEqualTo(400);
    }

    @Test
    void meAnswersTheTokensUserWithEitherAuthorizationScheme() throws Exception {
        Response jwt = call("GET", "/api/users/me", "JWT " + alice, null);
        assertThat(jwt.status).isEqualTo(200);
        assertThat(jwt.json.get("user").get("id").asLong()).isEqualTo(aliceId);
        assertThat(jwt.json.get("user").get("email").asText()).isEqualTo("alice@example.com");

        Response bearer = call("GET", "/api/users/me", "Bearer " + bob, null);
        assertThat(bearer.json.get("user").get("id").asLong()).isEqualTo(bobId);
    }

    @Test
    void missingOrTamperedTokensAre401() throws Exception {
        assertThat(call("GET", "/api/users/me", null, null).status).isEqualTo(401);
        assertThat(call("GET", "/api/posts", null, null).status).isEqualTo(401);
        assertThat(call("POST", "/api/messages", null, "{\"chat\":\"general\",\"content\":\"hi\"}").status)
                .isEqualTo(401);
        String[] parts = alice.split("\\.");
        String forgedClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"sub\":\"" + bobId + "\",\"exp\":9999999999}").getBytes(StandardCharsets.UTF_8));
        Response forged = call("GET", "/api/users/me", "JWT " + parts[0] + "." + forgedClaims + "." + parts[2], null);
        assertThat(forged.status).isEqualTo(401);
        assertThat(forged.errorMessage()).contains("/api/users/login");
        assertThat(call("GET", "/api/users/me", "JWT not-a-token", null).status).isEqualTo(401);
        assertThat(call("GET", "/api/users/me", "Basic " + alice, null).status).isEqualTo(401);
    }

    @Test
    void usersCanBeListedButNotWritten() throws Exception {
        Response list = call("GET", "/api/users", "JWT " + alice, null);
        assertThat(list.status).isEqualTo(200);
        assertThat(list.json.get("totalDocs").asLong()).isEqualTo(2);
        assertThat(call("POST", "/api/users", "JWT " + alice, "{\"email\":\"x@y\"}").status).isEqualTo(405);
        assertThat(call("GET", "/api/users/" + bobId, "JWT " + alice, null).json.get("email").asText())
                .isEqualTo("bob@example.com");
        assertThat(call("GET", "/api/users/999999", "JWT " + alice, null).status).isEqualTo(404);
    }

    // ---- notifications (Hibernate, per user)

    @Test
    void aNotificationCreatedForBobIsHisAloneToReadChangeAndDelete() throws Exception {
        Response created = call("POST", "/api/notifications", "JWT " + alice,
                "{\"user\":" + bobId + ",\"message\":\"Your order shipped\"}");
        assertThat(created.status).isEqualTo(201);
        JsonNode doc = created.json.get("doc");
        assertThat(created.json.get("message").asText()).isEqualTo("Notification successfully created.");
        assertThat(doc.get("user").asLong()).isEqualTo(bobId);
        assertThat(doc.get("message").asText()).isEqualTo("Your order shipped");
        assertThat(doc.get("read").asBoolean()).isFalse();
        long id = doc.get("id").asLong();

        assertThat(ids(call("GET", "/api/notifications", "JWT " + bob, null))).contains(id);
        assertThat(ids(call("GET", "/api/notifications", "JWT " + alice, null))).doesNotContain(id);
        assertThat(call("GET", "/api/notifications/" + id, "JWT " + alice, null).status).isEqualTo(404);
        Response read = call("GET", "/api/notifications/" + id, "JWT " + bob, null);
        assertThat(read.status).isEqualTo(200);
        assertThat(read.json).isEqualTo(doc);

        Response updated = call("PATCH", "/api/notifications/" + id, "Bearer " + bob, "{\"read\":true}");
        assertThat(updated.status).isEqualTo(200);
        assertThat(updated.json.get("doc").get("read").asBoolean()).isTrue();
        assertThat(updated.json.get("doc").get("message").asText()).isEqualTo("Your order shipped");
        assertThat(ids(call("GET", "/api/notifications?where[read][equals]=false", "JWT " + bob, null)))
                .doesNotContain(id);

        assertThat(call("DELETE", "/api/notifications/" + id, "JWT " + alice, null).status).isEqualTo(404);
        Response deleted = call("DELETE", "/api/notifications/" + id, "JWT " + bob, null);
        assertThat(deleted.status).isEqualTo(200);
        assertThat(deleted.json.get("doc").get("id").asLong()).isEqualTo(id);
        assertThat(call("GET", "/api/notifications/" + id, "JWT " + bob, null).status).isEqualTo(404);
    }

    @Test
    void aNotificationWithoutMessageForAnUnknownUserOrWithWrongTypesIs400() throws Exception {
        Response noMessage = call("POST", "/api/notifications", "JWT " + alice, "{\"user\":" + bobId + "}");
        assertThat(noMessage.status).isEqualTo(400);
        assertThat(noMessage.errorMessage()).contains("message");
        Response nobody = call("POST", "/api/notifications", "JWT " + alice, "{\"user\":424242,\"message\":\"x\"}");
        assertThat(nobody.status).isEqualTo(400);
        assertThat(nobody.errorMessage()).contains("user");
        assertThat(call("POST", "/api/notifications", "JWT " + alice,
                "{\"user\":" + bobId + ",\"message\":\"x\",\"read\":\"yes\"}").status).isEqualTo(400);
        Response typo = call("POST", "/api/notifications", "JWT " + alice,
                "{\"user\":" + bobId + ",\"mesage\":\"x\"}");
        assertThat(typo.status).isEqualTo(400);
        assertThat(typo.errorMessage()).contains("mesage");
        assertThat(call("PATCH", "/api/notifications/1", "JWT " + alice, "\"read\"").status).isEqualTo(400);
    }

    // ---- posts (Hibernate, public)

    @Test
    void aPostIsCreatedByItsAuthorReadByAnyoneUpdatedAndDeleted() throws Exception {
        Response created = call("POST", "/api/posts", "JWT " + alice, "{\"title\":\"Hello\",\"body\":\"First post\"}");
        assertThat(created.status).isEqualTo(201);
        JsonNode doc = created.json.get("doc");
        assertThat(doc.get("author").asLong()).isEqualTo(aliceId);
        assertThat(doc.get("title").asText()).isEqualTo("Hello");
        long id = doc.get("id").asLong();

        assertThat(call("GET", "/api/posts/" + id, "JWT " + bob, null).json).isEqualTo(doc);
        assertThat(ids(call("GET", "/api/posts?where[author][equals]=" + aliceId, "JWT " + bob, null))).contains(id);

        Response updated = call("PATCH", "/api/posts/" + id, "JWT " + alice, "{\"title\":\"Hello, world\"}");
        assertThat(updated.status).isEqualTo(200);
        assertThat(updated.json.get("doc").get("title").asText()).isEqualTo("Hello, world");
        assertThat(updated.json.get("doc").get("body").asText()).isEqualTo("First post");

        assertThat(call("DELETE", "/api/posts/" + id, "JWT " + alice, null).status).isEqualTo(200);
        assertThat(call("GET", "/api/posts/" + id, "JWT " + alice, null).status).isEqualTo(404);
        assertThat(call("PATCH", "/api/posts/" + id, "JWT " + alice, "{\"title\":\"x\"}").status).isEqualTo(404);
        assertThat(call("DELETE", "/api/posts/" + id, "JWT " + alice, null).status).isEqualTo(404);
    }

    @Test
    void aPostWithoutTitleOrInAnotherUsersNameIs400() throws Exception {
        assertThat(call("POST", "/api/posts", "JWT " + alice, "{\"body\":\"no title\"}").status).isEqualTo(400);
        assertThat(call("POST", "/api/posts", "JWT " + alice, "{\"title\":\"\"}").status).isEqualTo(400);
        Response spoof = call("POST", "/api/posts", "JWT " + alice, "{\"title\":\"t\",\"author\":" + bobId + "}");
        assertThat(spoof.status).isEqualTo(400);
        assertThat(spoof.errorMessage()).contains("author");
    }

    @Test
    void listsArePagedAsPayloadPagesThem() throws Exception {
        for (int i = 0; i < 3; i++) {
            call("POST", "/api/posts", "JWT " + bob, "{\"title\":\"Paged " + i + "\"}");
        }
        Response page = call("GET", "/api/posts?limit=2&page=1&where[author][equals]=" + bobId, "JWT " + bob, null);
        assertThat(page.status).isEqualTo(200);
        assertThat(page.json.get("docs")).hasSize(2);
        assertThat(page.json.get("totalDocs").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(page.json.get("hasNextPage").asBoolean()).isTrue();
        assertThat(page.json.get("limit").asInt()).isEqualTo(2);
        // newest first by default
        assertThat(page.json.get("docs").get(0).get("id").asLong())
                .isGreaterThan(page.json.get("docs").get(1).get("id").asLong());
        assertThat(call("GET", "/api/posts?limit=0", "JWT " + bob, null).status).isEqualTo(400);
        assertThat(call("GET", "/api/posts?sort=title", "JWT " + bob, null).status).isEqualTo(400);
        assertThat(call("GET", "/api/posts?where[body][equals]=x", "JWT " + bob, null).status).isEqualTo(400);
    }

    // ---- messages (plain JDBC)

    @Test
    void aChatMessageIsCreatedListedByChatEditedAndDeletedThroughJdbc() throws Exception {
        Response created = call("POST", "/api/messages", "JWT " + alice, "{\"chat\":\"general\",\"content\":\"Hi Bob\"}");
        assertThat(created.status).isEqualTo(201);
        JsonNode doc = created.json.get("doc");
        assertThat(doc.get("chat").asText()).isEqualTo("general");
        assertThat(doc.get("author").asLong()).isEqualTo(aliceId);
        assertThat(doc.get("content").asText()).isEqualTo("Hi Bob");
        long id = doc.get("id").asLong();
        call("POST", "/api/messages", "JWT " + bob, "{\"chat\":\"other\",\"content\":\"elsewhere\"}");

        Response general = call("GET", "/api/messages?where[chat][equals]=general&sort=id&limit=100", "JWT " + bob, null);
        assertThat(ids(general)).contains(id);
        assertThat(general.json.get("docs")).allSatisfy(m -> assertThat(m.get("chat").asText()).isEqualTo("general"));
        assertThat(call("GET", "/api/messages/" + id, "JWT " + bob, null).json).isEqualTo(doc);

        Response edited = call("PATCH", "/api/messages/" + id, "JWT " + alice, "{\"content\":\"Hi Bob!\"}");
        assertThat(edited.status).isEqualTo(200);
        assertThat(edited.json.get("doc").get("content").asText()).isEqualTo("Hi Bob!");
        assertThat(call("GET", "/api/messages/" + id, "JWT " + bob, null).json.get("content").asText())
                .isEqualTo("Hi Bob!");

        Response deleted = call("DELETE", "/api/messages/" + id, "JWT " + alice, null);
        assertThat(deleted.status).isEqualTo(200);
        assertThat(deleted.json.get("doc").get("content").asText()).isEqualTo("Hi Bob!");
        assertThat(call("GET", "/api/messages/" + id, "JWT " + alice, null).status).isEqualTo(404);
        assertThat(call("DELETE", "/api/messages/" + id, "JWT " + alice, null).status).isEqualTo(404);
    }

    @Test
    void aChatMessageWithoutContentOrWithABadChatNameIs400() throws Exception {
        assertThat(call("POST", "/api/messages", "JWT " + alice, "{\"chat\":\"general\"}").status).isEqualTo(400);
        Response badChat = call("POST", "/api/messages", "JWT " + alice, "{\"chat\":\"a b\",\"content\":\"x\"}");
        assertThat(badChat.status).isEqualTo(400);
        assertThat(badChat.errorMessage()).contains("chat");
        assertThat(call("POST", "/api/messages", "JWT " + alice, "{\"chat\":7,\"content\":\"x\"}").status).isEqualTo(400);
    }

    // ---- routing

    @Test
    void unknownCollectionsIdsAndMethodsAnswer404Or405WithAJsonError() throws Exception {
        Response unknown = call("GET", "/api/widgets", "JWT " + alice, null);
        assertThat(unknown.status).isEqualTo(404);
        assertThat(unknown.errorMessage()).contains("notifications");
        assertThat(call("GET", "/api/posts/abc", "JWT " + alice, null).status).isEqualTo(404);
        assertThat(call("GET", "/api/messages/987654", "JWT " + alice, null).status).isEqualTo(404);
        assertThat(call("PUT", "/api/posts/1", "JWT " + alice, "{}").status).isEqualTo(405);
    }

    @Test
    void thePageIsServedAtTheRoot() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("text/html"));
        assertThat(http.send(HttpRequest.newBuilder(uri("/vendor/socket.io.esm.min.js")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(uri("/../pom.xml")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
    }

    // ---- helpers

    private JsonNode login(String email, String password) throws Exception {
        Response r = call("POST", "/api/users/login", null,
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
        assertThat(r.status).as("login of %s", email).isEqualTo(200);
        return r.json;
    }

    private static Iterable<Long> ids(Response list) {
        assertThat(list.status).isEqualTo(200);
        return StreamSupport.stream(list.json.get("docs").spliterator(), false).map(d -> d.get("id").asLong()).toList();
    }

    record Response(int status, JsonNode json) {
        String errorMessage() {
            return json.get("errors").get(0).get("message").asText();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    private Response call(String method, String path, String authorization, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        return new Response(response.statusCode(), JSON.readTree(response.body()));
    }
}
