package dev.weft.client.invite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The invite-link grammar is decided once, in {@code docs/test-vectors/invite-links.json}: this test and the VS Code
 * extension's {@code inviteLink.test.ts} both read it, so the two parsers cannot drift apart.
 */
class SharedInviteLinkVectorsTest {
    /** The vector file, found from the module directory (Maven runs tests there) or the repository root. */
    static JsonObject vectors(String file) throws IOException {
        for (Path p : new Path[] {Path.of("..", "docs", "test-vectors", file), Path.of("docs", "test-vectors", file)}) {
            if (Files.isRegularFile(p)) {
                return JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
            }
        }
        throw new IOException("docs/test-vectors/" + file + " not found from " + Path.of("").toAbsolutePath());
    }

    /** The {@code kind} ("accept" or "reject") vectors of invite-links.json; asserts there are more than five. */
    private static com.google.gson.JsonArray linkVectors(String kind) throws IOException {
        var vectors = vectors("invite-links.json").getAsJsonArray(kind);
        assertThat(vectors.size()).isGreaterThan(5);
        return vectors;
    }

    @Test
    void everyAcceptedVectorParsesToTheSameParts() throws IOException {
        for (JsonElement e : linkVectors("accept")) {
            JsonObject v = e.getAsJsonObject();
            InviteLink link = InviteLink.parse(v.get("input").getAsString());
            assertThat(link).as(v.get("input").getAsString()).isEqualTo(new InviteLink(
                    URI.create(v.get("relay").getAsString()), v.get("room").getAsString(),
                    v.get("secret").getAsString()));
        }
    }

    @Test
    void everyRejectedVectorIsRefusedWithATypedError() throws IOException {
        for (JsonElement e : linkVectors("reject")) {
            String input = e.getAsString();
            assertThatThrownBy(() -> InviteLink.parse(input)).as(input)
                    .isInstanceOf(MalformedInviteLinkException.class);
        }
    }
}
