package dev.weft.client.journal;

import java.nio.file.Path;

/**
 * A separate JVM that opens a room journal, saves one entry, prints {@code SLOT <n>} and then sleeps until it is
 * killed: the "other editor on this machine" of {@link RoomJournalTest}. Arguments: data dir, room, document,
 * agent.
 */
public final class JournalHolder {
    private JournalHolder() {
    }

    public static void main(String[] args) throws Exception {
        RoomJournal rj = new Journal(Path.of(args[0])).openRoom(args[1]);
        rj.save(args[2], new Journal.Entry(Long.parseLong(args[3]), 0, new byte[] {42}));
        System.out.println("SLOT " + rj.slot());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
