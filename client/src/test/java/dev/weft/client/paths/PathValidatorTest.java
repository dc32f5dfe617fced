package dev.weft.client.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The table of names a peer may and may not write. */
class PathValidatorTest {
    @ParameterizedTest
    @ValueSource(strings = {"README.md", "src/Main.java", "a/b/c/d.txt", ".gitignore", "dir with space/x",
            "emoji 😀.txt", "café/naïve.md", "x..y", "...hidden", "a/.b"})
    void acceptedNames(String path) {
        assertThat(PathValidator.isValid(path)).as(path).isTrue();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvFileSource(resources = "/dev/weft/client/paths/refused-paths.csv", delimiter = '|')
    void refusedNames(String path, String rule) {
        assertThatThrownBy(() -> PathValidator.validate(path)).isInstanceOf(BadPathException.class)
                .hasMessageContaining(rule);
    }

    @org.junit.jupiter.api.Test
    void controlCharactersLengthAndEmptyAreRefused() {
        assertThatThrownBy(() -> PathValidator.validate("a\u0000b")).hasMessageContaining("U+0000");
        assertThatThrownBy(() -> PathValidator.validate("a\nb")).hasMessageContaining("U+000A");
        assertThatThrownBy(() -> PathValidator.validate("a\tb")).hasMessageContaining("U+0009");
        assertThatThrownBy(() -> PathValidator.validate("a\u007fb")).hasMessageContaining("U+007F");
        assertThatThrownBy(() -> PathValidator.validate("")).hasMessageContaining("empty path");
        assertThatThrownBy(() -> PathValidator.validate("x".repeat(256))).hasMessageContaining("segment longer");
        assertThatThrownBy(() -> PathValidator.validate(("d".repeat(200) + "/").repeat(6) + "f"))
                .hasMessageContaining("path longer");
        assertThat(PathValidator.isValid("x".repeat(255))).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"README.md,readme.MD", "Src/A.java,src/a.java", "\u00e9.txt,e\u0301.txt"})
    void caseAndNormalisationVariantsShareAKey(String a, String b) {
        assertThat(PathValidator.caseFoldKey(a)).isEqualTo(PathValidator.caseFoldKey(b));
    }
}
