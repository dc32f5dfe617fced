package dev.weft.client.invite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class InviteLinkTest {

    @Test
    void formatThenParseRoundTripsEveryPart() {
        InviteLink link = new InviteLink(URI.create("https://relay.example.com:8443/weft"), "r00m-_x",
                "s3cr3t+/=&?");
        String text = link.format();
        assertThat(text).startsWith("weft://join?relay=https%3A%2F%2Frelay.example.com%3A8443%2Fweft&room=");
        assertThat(InviteLink.parse(text)).isEqualTo(link);
    }

    @Test
    void parsesTheContractExample() {
        InviteLink link = InviteLink.parse("weft://join?relay=http%3A%2F%2F127.0.0.1%3A7420&room=abc&secret=def");
        assertThat(link.relay()).isEqualTo(URI.create("http://127.0.0.1:7420"));
        assertThat(link.room()).isEqualTo("abc");
        assertThat(link.secret()).isEqualTo("def");
    }

    @Test
    void acceptsVsCodeFormAndSurroundingWhitespaceAndParameterOrder() {
        InviteLink a = InviteLink.parse(
                "  vscode://weft.weft-vscode/join?secret=def&room=abc&relay=http%3A%2F%2Flocalhost%3A7420\n");
        assertThat(a).isEqualTo(new InviteLink(URI.create("http://localhost:7420"), "abc", "def"));
        assertThat(InviteLink.parse(a.formatForVsCode())).isEqualTo(a);
    }

    @Test
    void ignoresUnknownParameters() {
        assertThat(InviteLink.parse("weft://join?relay=http%3A%2F%2Fh&room=a&secret=b&future=1").room())
                .isEqualTo("a");
    }

    @Test
    void missingSecretIsNamed() {
        assertThatThrownBy(() -> InviteLink.parse("weft://join?relay=http%3A%2F%2Fh&room=a"))
                .isInstanceOf(MalformedInviteLinkException.class).hasMessageContaining("'secret'");
    }

    @Test
    void emptyRoomIsNamed() {
        assertThatThrownBy(() -> InviteLink.parse("weft://join?relay=http%3A%2F%2Fh&room=&secret=b"))
                .isInstanceOf(MalformedInviteLinkException.class).hasMessageContaining("'room'");
    }

    @Test
    void missingRelayIsNamed() {
        assertThatThrownBy(() -> InviteLink.parse("weft://join?room=a&secret=b"))
                .isInstanceOf(MalformedInviteLinkException.class).hasMessageContaining("'relay'");
    }

    @Test
    void wrongSchemeIsNamed() {
        assertThatThrownBy(() -> InviteLink.parse("https://join?relay=http%3A%2F%2Fh&room=a&secret=b"))
                .isInstanceOf(MalformedInviteLinkException.class).hasMessageContaining("scheme 'https'");
    }

    @Test
    void wrongPathIsRejected() {
        assertThatThrownBy(() -> InviteLink.parse("weft://leave?relay=http%3A%2F%2Fh&room=a&secret=b"))
                .isInstanceOf(MalformedInviteLinkException.class).hasMessageContaining("weft://join?");
    }

    @Test
    void relayMustBeHttpUrlWithHost() {
        assertThatThrownBy(() -> InviteLink.parse("weft://join?relay=ftp%3A%2F%2Fh&room=a&secret=b"))
                .isInstanceOf(MalformedInviteLinkException.class).hasMessageContaining("http://");
        assertThatThrownBy(() -> InviteLink.parse("weft://join?relay=localhost%3A7420&room=a&secret=b"))
                .isInstanceOf(MalformedInviteLinkException.class);
    }

    @Test
    void repeatedParameterIsRejected() {
        assertThatThrownBy(() -> InviteLink.parse("weft://join?relay=http%3A%2F%2Fh&room=a&room=c&secret=b"))
                .isInstanceOf(MalformedInviteLinkException.class).hasMessageContaining("appears twice");
    }

    @Test
    void noQueryEmptyAndGarbageAreRejected() {
        assertThatThrownBy(() -> InviteLink.parse("weft://join")).isInstanceOf(MalformedInviteLinkException.class)
                .hasMessageContaining("no query");
        assertThatThrownBy(() -> InviteLink.parse("   ")).isInstanceOf(MalformedInviteLinkException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> InviteLink.parse("weft://join?relay=%zz&room=a&secret=b"))
                .isInstanceOf(MalformedInviteLinkException.class).hasMessageContaining("Malformed escape");
        assertThatThrownBy(() -> InviteLink.parse("not a link at all"))
                .isInstanceOf(MalformedInviteLinkException.class);
    }

    @Test
    void toStringHidesTheSecret() {
        assertThat(new InviteLink(URI.create("http://h"), "a", "topsecret").toString()).doesNotContain("topsecret");
    }
}
