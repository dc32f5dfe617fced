package dev.weft.lsp.session;

import dev.weft.client.workspace.tree.TreeNames;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Names and tree documents of the roots of a multi-root share, and progress percentages. */
class WorkspaceRootNamesTest {
    @Test
    void foldersWithTheSameNameGetNumberedNamesCaseInsensitively() {
        assertThat(WorkspaceShareFeature.rootNames(List.of(Path.of("/a/app"), Path.of("/b/App"), Path.of("/c/lib"),
                Path.of("/d/app")))).containsExactly("app", "App (2)", "lib", "app (3)");
    }

    @Test
    void theFirstRootKeepsTheSingleRootTreeSoFolderPeersSeeIt() {
        assertThat(TreeNames.rootTree(0)).isEqualTo(TreeNames.TREE);
        assertThat(TreeNames.rootTree(1)).isEqualTo(".weft/tree.2");
        assertThat(TreeNames.isReserved(TreeNames.rootTree(5))).isTrue();
        assertThatThrownBy(() -> TreeNames.rootTree(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void progressLinesBecomePercentages() {
        assertThat(WorkspaceProgress.percentOf("4210/5000 room files on disk")).isEqualTo(84);
        assertThat(WorkspaceProgress.percentOf("0/0 room files on disk")).isEqualTo(100);
        assertThat(WorkspaceProgress.percentOf("starting")).isNull();
    }
}
