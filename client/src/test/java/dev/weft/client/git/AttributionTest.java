package dev.weft.client.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.workspace.Workspace;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.LocalEdit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Attribution} on replicas edited by two sessions, with the authors log they would write. */
class AttributionTest {
    static final long ALICE = 0x1111L;
    static final long BOB = 0x2222L;
    static final GitIdentity ALICE_ID = new GitIdentity("Alice", "alice@example.com");
    static final GitIdentity BOB_ID = new GitIdentity("Bob", "bob@example.com");
    static final String FILE = "00000000000000aa";

    private final TextDocument alice = new TextDocument(ALICE << Workspace.AGENT_COUNTER_BITS | 1);
    private final TextDocument bob = new TextDocument(BOB << Workspace.AGENT_COUNTER_BITS | 1);
    private final StringBuilder log = new StringBuilder(AuthorLog.sessionLine(ALICE, ALICE_ID)
            + AuthorLog.sessionLine(BOB, BOB_ID));

    private void edit(TextDocument who, int pos, int deleteLen, String insert) {
        TextDocument other = who == alice ? bob : alice;
        long session = Workspace.sessionOf(who.agent());
        if (deleteLen > 0) {
            LocalEdit d = who.delete(pos, deleteLen);
            log.append(AuthorLog.deletionLine(session, FILE, d.deleted()));
            other.applyUpdate(d.update());
        }
        if (!insert.isEmpty()) {
            other.applyUpdate(who.insert(pos, insert).update());
        }
    }

    private Attribution attribution(String head) {
        assertThat(alice.getText()).isEqualTo(bob.getText());
        return new Attribution(FILE, head, alice.runs(), AuthorLog.parse(log.toString()));
    }

    @Test
    void twoPeopleChangingOneLineEachStageExactlyTheirOwnWords() {
        String head = "alpha beta gamma\nsecond\n";
        edit(alice, 0, 0, head);                        // the shared upload: committed text
        edit(alice, 0, 5, "ALPHA");
        edit(bob, 11, 5, "GAMMA");
        edit(bob, alice.length(), 0, "bob's line\n");
        Attribution a = attribution(head);
        assertThat(a.lineAuthors()).containsExactly(List.of("Alice", "Bob"), List.of(), List.of("Bob"));
        Attribution.Staged mine = a.stage(ALICE_ID);
        assertThat(mine.text()).isEqualTo("ALPHA beta gamma\nsecond\n");
        assertThat(mine.problems()).isEmpty();
        assertThat(a.stage(BOB_ID).text()).isEqualTo("alpha beta GAMMA\nsecond\nbob's line\n");
        assertThat(a.contributors("ALPHA beta gamma\nsecond\n").authors()).containsExactly(ALICE_ID);
        assertThat(a.contributors(alice.getText()).authors()).containsExactlyInAnyOrder(ALICE_ID, BOB_ID);
    }

    @Test
    void typingInsideAnotherPersonsNewWordCannotBeSeparatedAndIsNotStaged() {
        String head = "x\n";
        edit(alice, 0, 0, head);
        edit(bob, 1, 0, " hello");
        edit(alice, 4, 0, "ALICE");                     // "x helALICElo\n"
        Attribution a = attribution(head);
        Attribution.Staged mine = a.stage(ALICE_ID);
        assertThat(mine.text()).isEqualTo(head);
        assertThat(mine.problems()).hasSize(1).first().asString().contains("line 1").contains("interleaved");
        assertThat(a.lineAuthors().get(0)).containsExactly("Bob", "Alice");
    }

    @Test
    void aCharacterTypedByASessionTheLogDoesNotNameIsReportedNotGuessed() {
        TextDocument stranger = new TextDocument(0x9999L << Workspace.AGENT_COUNTER_BITS);
        String head = "one\n";
        edit(alice, 0, 0, head);
        stranger.applyUpdate(alice.encodeStateAsUpdate());
        byte[] u = stranger.insert(3, "!").update();
        alice.applyUpdate(u);
        bob.applyUpdate(u);
        edit(alice, 0, 0, "A");
        Attribution a = attribution(head);
        assertThat(a.lineAuthors().get(0)).containsExactly("Alice", Attribution.UNKNOWN);
        Attribution.Staged mine = a.stage(ALICE_ID);
        assertThat(mine.text()).isEqualTo("Aone\n");
        assertThat(mine.problems()).hasSize(1).first().asString().contains("not known");
    }

    @Test
    void aDeletionIsStagedOnlyByItsDeleterAndANewFileOnlyByItsAuthor() {
        String head = "keep\ndrop me\nkeep too\n";
        edit(alice, 0, 0, head);
        edit(bob, 5, 8, "");
        Attribution a = attribution(head);
        assertThat(a.stage(ALICE_ID).text()).isEqualTo(head);
        assertThat(a.stage(BOB_ID).text()).isEqualTo("keep\nkeep too\n");
        assertThat(a.stage(BOB_ID).deleted()).isEqualTo(8);

        TextDocument fresh = new TextDocument(ALICE << Workspace.AGENT_COUNTER_BITS | 7);
        fresh.insert(0, "new file\n");
        Attribution n = new Attribution(FILE, "", fresh.runs(), AuthorLog.parse(log.toString()));
        assertThat(n.stage(ALICE_ID).text()).isEqualTo("new file\n");
        assertThat(n.stage(BOB_ID).text()).isEmpty();
        assertThat(n.lineAuthors()).containsExactly(List.of("Alice"));
    }
}
