package dev.weft.client.invite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

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

    /** Each malformed link is refused with a typed error whose message names what is wrong. */
    @ParameterizedTest(name = "{index}: \"{0}\"")
    @CsvFileSource(resources = "/dev/weft/client/invite/malformed-links.csv", delimiter = '|')
    void malformedLinksAreRefusedNamingTheProblem(String link, String fragment) {
        assertThatThrownBy(() -> InviteLink.parse(link)).isInstanceOf(MalformedInviteLinkException.class)
                .hasMessageContaining(fragment);
    }

    @Test
    void toStringHidesTheSecret() {
        assertThat(new InviteLink(URI.create("http://h"), "a", "topsecret").toString()).doesNotContain("topsecret");
    }
}
