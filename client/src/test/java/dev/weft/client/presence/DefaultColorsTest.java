package dev.weft.client.presence;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default colour rule against {@code docs/test-vectors/colors.json}, which the VS Code extension reads too. */
class DefaultColorsTest {
    private static JsonObject vectors() throws IOException {
        for (Path p : new Path[] {Path.of("..", "docs", "test-vectors", "colors.json"),
                Path.of("docs", "test-vectors", "colors.json")}) {
            if (Files.isRegularFile(p)) {
                return JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
            }
        }
        throw new IOException("docs/test-vectors/colors.json not found from " + Path.of("").toAbsolutePath());
    }

    @Test
    void paletteIsTheSharedOne() throws IOException {
        List<String> palette = new ArrayList<>();
        vectors().getAsJsonArray("palette").forEach(e -> palette.add(e.getAsString()));
        assertThat(DefaultColors.PALETTE).containsExactlyElementsOf(palette);
    }

    @Test
    void hashAndColourOfEveryVectorNameMatchTheExtension() throws IOException {
        JsonObject v = vectors();
        for (JsonElement e : v.getAsJsonArray("fnv1a")) {
            JsonObject o = e.getAsJsonObject();
            assertThat(DefaultColors.fnv1a(o.get("input").getAsString())).as(o.get("input").getAsString())
                    .isEqualTo(o.get("hash").getAsLong());
        }
        assertThat(v.getAsJsonArray("names").size()).isGreaterThan(10);
        for (JsonElement e : v.getAsJsonArray("names")) {
            JsonObject o = e.getAsJsonObject();
            assertThat(DefaultColors.assign(null, o.get("name").getAsString())).as(o.get("name").getAsString())
                    .isEqualTo(o.get("color").getAsString());
        }
    }

    @Test
    void aValidConfiguredColourWinsLowerCasedAndAnInvalidOneIsIgnored() {
        assertThat(DefaultColors.assign("#A1B2C3", "alice")).isEqualTo("#a1b2c3");
        assertThat(DefaultColors.assign("red; background:url(x)", "alice")).isEqualTo(DefaultColors.forName("alice"));
        assertThat(DefaultColors.assign("#12345", null)).isEqualTo(DefaultColors.forName(""));
    }
}
