package dev.weft.client.paths;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** How Weft puts a fully written temporary file in place of its target on the user's disk. */
public final class AtomicReplace {
    private AtomicReplace() {
    }

    /**
     * Moves {@code tmp} onto {@code target}, replacing it: atomically (a reader sees the old or the new file, never a
     * part) where the file system supports it, else with a plain replacing move.
     * Postcondition: {@code target} has {@code tmp}'s content and {@code tmp} no longer exists.
     */
    public static void moveOnto(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
