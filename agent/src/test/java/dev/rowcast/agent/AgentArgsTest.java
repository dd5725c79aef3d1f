package dev.rowcast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentArgsTest {

    @Test
    void configAloneIsTakenWithoutAWord() {
        AgentArgs args = AgentArgs.parse("config=/etc/app/rowcast.yml");
        assertThat(args.get("config")).isEqualTo("/etc/app/rowcast.yml");
        assertThat(args.unknown()).isEmpty();
        assertThat(AgentArgs.parse(null).unknown()).isEmpty();
    }

    @Test
    void aMisspelledKeyIsNamedWithTheFormTheUserMeant() {
        assertThat(AgentArgs.parse("conifg=rowcast.yml").unknown()).hasValue("unknown agent argument 'conifg=rowcast.yml', ignored:"
                + " the agent takes config=<path> alone (-javaagent:rowcast-agent.jar=config=rowcast.yml)");
    }

    @Test
    void aBarePathIsNamedAsTheConfigItWasMeantToBe() {
        assertThat(AgentArgs.parse("app/rowcast.yml").unknown()).hasValue("unknown agent argument 'app/rowcast.yml', ignored:"
                + " the agent takes config=<path> alone (-javaagent:rowcast-agent.jar=config=app/rowcast.yml)");
    }

    @Test
    void anExtraKeyBesideConfigIsNamedAlone() {
        assertThat(AgentArgs.parse("config=a.yml,port=3001").unknown())
                .hasValue("unknown agent argument 'port=3001', ignored: the agent takes config=<path> alone");
    }
}
