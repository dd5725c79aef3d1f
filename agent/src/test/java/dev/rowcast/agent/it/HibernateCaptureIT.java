package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built agent attached to a plain Hibernate app (src/it/apps/hibernate) on 5.6 (javax), 6.6
 * and 7.4 with H2: what it reports after each commit, through the diagnostic capture log.
 */
class HibernateCaptureIT {

    private static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            collections:
              items:
                entity: Item
                events: [create, update, delete]
                room: "owner:{owner}"
                fields: { exclude: [secret] }
              owners:
                entity: app.Owner
                broadcast: true
              lines:
                entity: Line
                rooms: ["order:{key.orderId}", "city:{address.city}"]
              stocks:
                entity: Stock
                room: "shop:{shop}"
              linenotes:
                entity: LineNote
                room: "order:{line.orderId}"
              animals:
                entity: Animal
                room: "breed:{breed}"
                broadcast: true
              docs:
                entity: Doc
                events: [create, update]
                broadcast: true
            """;

    /** The same rules without deletes: the agent then adds no POST_COMMIT_DELETE listener. */
    private static final String NO_DELETES = CONFIG.replace("events: [create, update, delete]", "events: [create, update]");

    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();

    record Run(ChildJvm.Result result, List<CaptureLog.Line> lines) {
        List<CaptureLog.Line> items() {
            return lines.stream().filter(l -> l.event().equals("realtime:items")).toList();
        }
    }

    /** Runs the app once per Hibernate version; each test reads a different aspect of that run. */
    static Run run(String version) throws Exception {
        return run(version, List.of());
    }

    static Run run(String version, List<String> options) throws Exception {
        return run(version, CONFIG, options);
    }

    static synchronized Run run(String version, String rules, List<String> options) throws Exception {
        String key = version + options + (rules.equals(CONFIG) ? "" : rules);
        Run run = RUNS.get(key);
        if (run == null) {
            UnaryOperator<String> imports = TestApps.persistenceImports(version);
            String classpath = TestApps.compile("hibernate", TestApps.libraries("hibernate-" + version), version, imports);
            Path dir = TestApps.workDir("hibernate-capture");
            Path config = Files.writeString(dir.resolve("rowcast.yml"), rules);
            Path captureLog = dir.resolve("capture.jsonl");
            List<String> jvmOptions = new ArrayList<>(options);
            jvmOptions.add("-Drowcast.debug.captureLog=" + captureLog);
            ChildJvm.Result result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config, jvmOptions, classpath, "app.HibernateApp");
            run = new Run(result, CaptureLog.read(captureLog));
            RUNS.put(key, run);
        }
        return run;
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void appRunsUnchangedWithTheAgent(String version) throws Exception {
        Run run = run(version);
        assertThat(run.result().exitCode()).as(run.result().output()).isZero();
        assertThat(run.result().output())
                .contains("committed inserts", "committed update", "rolled back", "committed delete", "done")
                .contains("[rowcast] Hibernate post-commit listeners added");
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void listenerInUseIsTheClassGeneratedInHibernatesLoader(String version) throws Exception {
        Run run = run(version);
        assertThat(run.result().output())
                .contains("[rowcast] Hibernate post-commit listeners added to org.hibernate.internal.SessionFactoryImpl"
                        + " (generated listener org.hibernate.event.spi.RowcastPostCommitListener)")
                .doesNotContain("reflective listener");
        assertThat(run.items().stream().filter(l -> l.operation().equals("update")))
                .singleElement().satisfies(l -> assertThat(l.payload().get("changes").toString()).isEqualTo("[\"qty\"]"));
    }

    /** The Proxy listener, used where no class can be defined in Hibernate's loader, reports the very same events. */
    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "7.4"})
    void reflectiveFallbackReportsWhatTheGeneratedListenerReports(String version) throws Exception {
        Run generated = run(version);
        Run reflective = run(version, List.of("-Drowcast.debug.reflectiveListener=true"));
        assertThat(reflective.result().exitCode()).as(reflective.result().output()).isZero();
        assertThat(reflective.result().output()).contains("(reflective listener, as -Drowcast.debug.reflectiveListener=true asks;");
        assertThat(withoutTimes(reflective)).isEqualTo(withoutTimes(generated)).hasSize(14);
    }

    private static List<String> withoutTimes(Run run) {
        return run.lines().stream().map(l -> l.raw().replaceAll("\"ts\":\\d+", "\"ts\":0")).toList();
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void committedInsertsEmitOneEventPerRowWithItsData(String version) throws Exception {
        Run run = run(version);
        List<CaptureLog.Line> creates = run.items().stream().filter(l -> l.operation().equals("create")).toList();
        assertThat(creates).as(run.result().output()).hasSize(3);
        CaptureLog.Line first = creates.get(0);
        assertThat(first.raw()).contains("\"payload\":{\"operation\":\"create\",\"collection\":\"items\",\"data\":{");
        assertThat(first.payload().get("data").get("name").asText()).isEqualTo("a");
        assertThat(first.payload().get("data").get("qty").asInt()).isEqualTo(1);
        assertThat(first.payload().get("data").get("made").asText()).isEqualTo("2024-01-02");
        // a value object behind @Convert: the column's value, as the app's AttributeConverter makes it
        assertThat(first.payload().get("data").get("price").asText()).isEqualTo("EUR 1.50");
        assertThat(first.payload().get("id").asLong()).isEqualTo(first.payload().get("data").get("id").asLong());
        assertThat(first.payload().has("changes")).isFalse();
        assertThat(first.payload().get("ts").asLong()).isPositive();
        assertThat(first.rooms()).containsExactly("owner:" + first.payload().get("data").get("owner").asLong());
        assertThat(creates.get(1).payload().get("data").get("name").asText()).isEqualTo("b");
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void rolledBackWorkEmitsNothing(String version) throws Exception {
        Run run = run(version);
        assertThat(run.lines()).noneMatch(l -> l.raw().contains("rolled back"));
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void updateCarriesTheChangedProperties(String version) throws Exception {
        Run run = run(version);
        List<CaptureLog.Line> updates = run.items().stream().filter(l -> l.operation().equals("update")).toList();
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).payload().get("data").get("qty").asInt()).isEqualTo(5);
        assertThat(updates.get(0).payload().get("changes").toString()).isEqualTo("[\"qty\"]");
        assertThat(updates.get(0).raw()).containsPattern("\"changes\":\\[\"qty\"],\"ts\":\\d+}");
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void configuredDeleteEmitsTheRowAsItWas(String version) throws Exception {
        Run run = run(version);
        List<CaptureLog.Line> deletes = run.items().stream().filter(l -> l.operation().equals("delete")).toList();
        assertThat(deletes).hasSize(1);
        assertThat(deletes.get(0).payload().get("data").get("name").asText()).isEqualTo("b");
        assertThat(deletes.get(0).rooms()).hasSize(1);
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void eventsFollowCommitOrder(String version) throws Exception {
        Run run = run(version);
        assertThat(run.lines().stream().map(l -> l.event() + ":" + l.operation()).toList()).containsExactly(
                "realtime:owners:create", "realtime:items:create", "realtime:items:create",
                "realtime:items:update", "realtime:items:delete", "realtime:items:create",
                "realtime:lines:create", "realtime:stocks:create", "realtime:animals:create", "realtime:lines:update",
                "realtime:linenotes:create", "realtime:docs:create", "realtime:docs:update", "realtime:docs:update");
    }

    /** HQL and native bulk writes reach no listener: their rows are counted and said once, naming the table that would publish them. */
    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void aBulkWriteOfAnEntityIsSaidOnceWithTheTableThatWouldPublishIt(String version) throws Exception {
        Run run = run(version);
        String output = run.result().output();
        assertThat(output).contains("bulk update wrote 1", "native update wrote 1");
        assertThat(output).containsOnlyOnce("[rowcast] collection items: a bulk write through Hibernate (")
                .contains(" wrote 1 row(s) of Item that are not published: ")
                .contains("Add `table: ");
        assertThat(run.items()).noneMatch(l -> l.payload().get("data").path("name").asText().matches("bulk|native"));
    }

    /**
     * Hibernate's dirty properties never name the version it sets with them; a change of a
     * collection alone sets the version only, and is an update of it.
     */
    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void anUpdateOfAVersionedEntityNamesTheVersionAmongItsChanges(String version) throws Exception {
        List<CaptureLog.Line> updates = run(version).lines().stream()
                .filter(l -> l.event().equals("realtime:docs") && l.operation().equals("update")).toList();
        assertThat(updates).extracting(l -> l.payload().get("changes").toString())
                .containsExactly("[\"title\",\"version\"]", "[\"version\"]");
        assertThat(updates).extracting(l -> l.payload().get("data").get("version").asLong()).containsExactly(1L, 2L);
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void associationToACompositeIdIsThatIdsFields(String version) throws Exception {
        CaptureLog.Line note = only(run(version), "realtime:linenotes", "create");
        assertThat(note.payload().get("data").get("line").toString()).isIn("{\"lineNo\":1,\"orderId\":7}", "{\"orderId\":7,\"lineNo\":1}");
        assertThat(note.rooms()).containsExactly("order:7");
    }

    /** The app runs with hibernate.jpa.compliance.proxy=true, under which a proxy's getIdentifier() loads it. */
    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void lazyAssociationBecomesItsIdWithoutLoading(String version) throws Exception {
        Run run = run(version);
        CaptureLog.Line last = run.items().get(run.items().size() - 1);
        assertThat(last.payload().get("data").get("name").asText()).isEqualTo("d");
        assertThat(last.payload().get("data").get("owner").isIntegralNumber()).isTrue();
        assertThat(run.result().output()).contains("owner proxy initialized after commit: false");
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void fieldsFilterAndBroadcastApply(String version) throws Exception {
        Run run = run(version);
        assertThat(run.items()).allSatisfy(l -> assertThat(l.payload().get("data").has("secret")).isFalse());
        CaptureLog.Line owner = run.lines().get(0);
        assertThat(owner.node().get("broadcast").asBoolean()).isTrue();
        assertThat(owner.payload().get("data").get("name").asText()).isEqualTo("alice");
    }

    /** entity: Animal takes the rows of its subclass Dog, with the subclass's own properties. */
    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void aSubclassEntitysRowsReachItsSuperclasssCollection(String version) throws Exception {
        Run run = run(version);
        assertThat(run.lines()).filteredOn(l -> l.event().equals("realtime:animals"))
                .singleElement().satisfies(l -> {
                    assertThat(l.operation()).isEqualTo("create");
                    assertThat(l.payload().get("data").toString()).isEqualTo("{\"id\":1,\"name\":\"Rex\",\"breed\":\"collie\"}");
                    // a subclass's property: no warning that the superclass lacks it (see unconfiguredEntityIsNotReported)
                    assertThat(l.rooms()).containsExactly("breed:collie");
                });
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void embeddedIdIsAnObjectOfItsFields(String version) throws Exception {
        CaptureLog.Line line = only(run(version), "realtime:lines", "create");
        assertThat(line.payload().get("id").toString()).isIn("{\"lineNo\":1,\"orderId\":7}", "{\"orderId\":7,\"lineNo\":1}");
        assertThat(line.payload().get("data").get("key")).isEqualTo(line.payload().get("id"));
        assertThat(line.payload().get("data").get("note").asText()).isEqualTo("first");
        assertThat(line.payload().get("data").has("tags")).isFalse();
        assertThat(line.rooms()).contains("order:7");
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void idClassIdIsAnObjectAndItsFieldsStayTheRowsOwn(String version) throws Exception {
        CaptureLog.Line stock = only(run(version), "realtime:stocks", "create");
        assertThat(stock.payload().get("id").toString()).isEqualTo("{\"shop\":\"s1\",\"sku\":\"k1\"}");
        assertThat(stock.payload().get("data").toString()).isEqualTo("{\"shop\":\"s1\",\"sku\":\"k1\",\"qty\":3}");
        assertThat(stock.rooms()).containsExactly("shop:s1");
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void embeddedPropertyIsANestedObjectThatRoomsCanRead(String version) throws Exception {
        Run run = run(version);
        CaptureLog.Line created = only(run, "realtime:lines", "create");
        assertThat(created.payload().get("data").get("address").get("city").asText()).isEqualTo("Paris");
        assertThat(created.payload().get("data").get("address").get("zip").asText()).isEqualTo("75001");
        assertThat(created.rooms()).containsExactly("order:7", "city:Paris");
        CaptureLog.Line updated = only(run, "realtime:lines", "update");
        assertThat(updated.payload().get("data").get("address").get("city").asText()).isEqualTo("Lyon");
        assertThat(updated.payload().get("changes").toString()).isEqualTo("[\"address\"]");
    }

    private static CaptureLog.Line only(Run run, String event, String operation) {
        return assertThat(run.lines().stream().filter(l -> l.event().equals(event) && l.operation().equals(operation)))
                .as(run.result().output()).singleElement().actual();
    }

    /** 6.x and 7.x load an unloaded proxy before deleting it whenever a POST_COMMIT_DELETE listener is registered. */
    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"6.6", "7.4"})
    void withoutDeleteRulesAnUnloadedProxyIsDeletedWithoutLoadingIt(String version) throws Exception {
        Run run = run(version, NO_DELETES, List.of());
        assertThat(run.result().exitCode()).as(run.result().output()).isZero();
        assertThat(run.result().output()).contains("note proxy loaded by its delete: false");
        assertThat(run.items()).noneMatch(l -> l.operation().equals("delete")).hasSize(4);
    }

    @Test
    void aMisspeltEntityIsNamedWithTheEntitiesTheFactoryMapsAndTheOthersAreNot() throws Exception {
        assertThat(run("6.6").result().output()).doesNotContain("does not map");

        Run run = run("6.6", CONFIG + """
                  typo:
                    entity: Itme
                    broadcast: true
                """, List.of());
        assertThat(run.result().exitCode()).as(run.result().output()).isZero();
        assertThat(run.result().output()).contains("[rowcast] collection typo names the entity 'Itme', which the SessionFactory"
                + " SessionFactoryImpl does not map (its entities: ").contains(", Item, ")
                .contains("; the collection gets no rows from it. Check the name in rowcast.yml (simple or qualified)");
        assertThat(run.result().output().split("does not map", -1)).as(run.result().output()).hasSize(2);
        assertThat(run.items()).isNotEmpty();
    }

    /** A factory built first that maps none of the entities is warned of, and the one built next takes each warning back. */
    @Test
    void aSecondFactoryThatMapsTheEntitiesTakesTheFirstOnesWarningsBack() throws Exception {
        Run run = run("6.6", List.of("-Dapp.otherFactory=true"));
        String output = run.result().output();
        assertThat(run.result().exitCode()).as(output).isZero();
        for (String collection : List.of("items", "owners", "lines", "stocks", "linenotes", "animals")) {
            assertThat(output).as(output)
                    .contains("[rowcast] collection " + collection + " names the entity ")
                    .contains("which the SessionFactory SessionFactoryImpl does not map (its entities: Note)")
                    .contains("[rowcast] collection " + collection + ": the SessionFactory SessionFactoryImpl, built since, maps the entity '")
                    .contains("; its rows are captured after all");
        }
        assertThat(run.items()).hasSameSizeAs(run("6.6").items());
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void unconfiguredEntityIsNotReported(String version) throws Exception {
        Run run = run(version);
        assertThat(run.lines()).noneMatch(l -> l.raw().contains("not configured"));
        // every room template and field name of the rules is a property: embedded ids, @IdClass fields, nested paths
        assertThat(run.result().output()).doesNotContain("which no entity of the collection has");
    }

    @Test
    void aRoomTemplateOrFieldThatNamesNoPropertyIsSaidWithTheClosestOne() throws Exception {
        Run run = run("6.6", CONFIG.replace("room: \"owner:{owner}\"", "room: \"owner:{ownr}\"")
                .replace("exclude: [secret]", "exclude: [secrte]"), List.of());
        assertThat(run.result().exitCode()).as(run.result().output()).isZero();
        assertThat(run.result().output())
                .contains("[rowcast] collection items: the room owner:{ownr} reads 'ownr', which no entity of the collection has"
                        + " (did you mean 'owner'?); its rows will resolve no room from it")
                .contains("[rowcast] collection items: fields names 'secrte', which no entity of the collection has"
                        + " (did you mean 'secret'?); it keeps nothing out of the events");
        assertThat(run.result().output().split("which no entity of the collection has", -1)).as(run.result().output()).hasSize(3);
    }

}
