package dev.weft.relay.net;

import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * netty-socketio's Jackson JSON support with the string-length cap raised to the websocket frame limit. Jackson
 * refuses strings over 20,000,000 characters by default; a frame Netty accepted but Jackson refused made
 * netty-socketio close the connection without a word, where the relay should answer
 * {@code Error(MESSAGE_TOO_LARGE)}. With the caps equal, every frame Netty accepts is parsed and answered.
 */
final class BoundedJsonSupport extends JacksonJsonSupport {
    BoundedJsonSupport(int maxStringChars) {
        objectMapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(maxStringChars).build());
    }
}
