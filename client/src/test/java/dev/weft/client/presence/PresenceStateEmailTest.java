package dev.weft.client.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The optional {@code email} of the awareness JSON ({@code docs/protocol.md}, "Awareness state"). */
class PresenceStateEmailTest {
    @Test
    void anEmailTravelsAndAStateWithoutOneFromAnOlderPeerReadsAsUnknown() {
        PresenceState withEmail = new PresenceState("Ada", "#e6194b", "notes.md", List.of(), "ada@example.com");
        assertThat(withEmail.toJson()).contains("\"email\":\"ada@example.com\"");
        assertThat(PresenceState.parse(withEmail.toJson(), "x", "y")).contains(withEmail);

        String older = "{\"name\":\"Bob\",\"color\":\"#3cb44b\",\"uri\":\"notes.md\",\"selections\":[]}";
        assertThat(PresenceState.parse(older, "x", "y").orElseThrow().email()).isEmpty();
        assertThat(new PresenceState("Bob", "#3cb44b", "notes.md", List.of()).toJson())
                .as("no e-mail known: the field is left out, as older peers write it").isEqualTo(older);
    }
}
