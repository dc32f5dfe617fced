package dev.weft.client.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a scan remembers of a file to notice that something else changed it: size, modification time and file key
 * (inode). Immutable. A changed stamp only means "read it again": the content comparison decides.
 */
public record DiskStamp(long size, long modifiedNanos, Object fileKey) {
    public static DiskStamp of(BasicFileAttributes a) {
        return new DiskStamp(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                a.fileKey());
    }

    /** The stamp of {@code file} now, or null if it is not a regular file. */
    public static DiskStamp read(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? of(a) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
