package dev.weft.client.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.client.invite.MalformedInviteLinkException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayUrlsTest {
    @Test
    void aCommaSeparatedListKeepsItsOrderAndDropsBlanksAndDuplicates() {
        assertThat(RelayUrls.parse(" http://a:7420 , https://b.example/ ,,http://A:7420/"))
                .containsExactly(URI.create("http://a:7420"), URI.create("https://b.example/"));
    }

    @Test
    void oneBadEntryRejectsTheWholeListNamingIt() {
        assertThatThrownBy(() -> RelayUrls.parse("http://a:7420,ftp://b")).isInstanceOf(
                MalformedInviteLinkException.class).hasMessageContaining("ftp://b");
        assertThatThrownBy(() -> RelayUrls.parse(" , ")).isInstanceOf(MalformedInviteLinkException.class);
        assertThatThrownBy(() -> RelayUrls.parse(null)).isInstanceOf(MalformedInviteLinkException.class);
    }

    @Test
    void fallbacksAreTheOtherConfiguredNodesOnlyWhenTheLinksRelayIsAmongThem() {
        List<URI> cluster = RelayUrls.parse("http://n1:7420,http://n2:7420,http://n3:7420");
        assertThat(RelayUrls.fallbacksFor(URI.create("HTTP://N2:7420/"), cluster))
                .containsExactly(URI.create("http://n1:7420"), URI.create("http://n3:7420"));
        // A link to another relay: its secret must not go to these servers.
        assertThat(RelayUrls.fallbacksFor(URI.create("http://elsewhere:7420"), cluster)).isEmpty();
        assertThat(RelayUrls.fallbacksFor(URI.create("https://n1:7420"), cluster)).as("other scheme").isEmpty();
        assertThat(RelayUrls.fallbacksFor(URI.create("http://n1"), RelayUrls.parse("http://n1:80,http://n2")))
                .containsExactly(URI.create("http://n2"));
    }
}
