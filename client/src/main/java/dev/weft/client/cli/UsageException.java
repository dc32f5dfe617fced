package dev.weft.client.cli;

/** A command line that does not follow {@code weft --help}; exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
