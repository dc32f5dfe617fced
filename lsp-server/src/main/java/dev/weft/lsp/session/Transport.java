package dev.weft.lsp.session;

import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.util.Locale;

/**
 * How the session reaches a room ({@code transport} of {@code initializationOptions} and of {@code weft.share} /
 * {@code weft.join}; docs/protocol.md, "Language server protocol extensions"). The link decides a join: a
 * {@code weft://lan?…} link is joined over the LAN, a relay link through the relay ({@link #DIRECT} adds direct
 * links); only an explicit contradiction in the command is an error.
 */
public enum Transport {
    /** Everything through the relay. */
    RELAY("relay"),
    /** The relay stays the rendezvous and the durable copy; members that can reach each other also link directly. */
    DIRECT("direct"),
    /** No relay: peers on one network find each other (mDNS) and sync directly. */
    LAN("lan");

    /** The wire name. Immutable. */
    public final String wire;

    Transport(String wire) {
        this.wire = wire;
    }

    /**
     * The transport named {@code value} in {@code field} (case-insensitive), or {@code dflt} when null or blank.
     *
     * @throws org.eclipse.lsp4j.jsonrpc.ResponseErrorException {@code InvalidParams} naming the field and the choices
     */
    static Transport parse(String value, String field, Transport dflt) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (Transport t : values()) {
            if (t.wire.equals(v)) {
                return t;
            }
        }
        throw SessionThread.error(ResponseErrorCode.InvalidParams, field + ": unknown transport '" + value
                + "'; use relay, direct or lan");
    }

    /**
     * The transport of a share: the command's {@code transport}, else the initialization option's, else relay.
     */
    static Transport forShare(String argument, String initOption) {
        return parse(argument, "transport", parse(initOption, "initializationOptions.transport", RELAY));
    }

    /**
     * The transport of a join of a relay link: the command's {@code transport} (not lan: a relay room is not on the
     * LAN), else direct if the initialization option says direct, else relay.
     */
    static Transport forRelayJoin(String argument, String initOption) {
        Transport a = parse(argument, "transport", null);
        if (a == LAN) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "transport lan needs a weft://lan?… link; "
                    + "this is a relay link (join it with transport relay or direct)");
        }
        if (a != null) {
            return a;
        }
        return parse(initOption, "initializationOptions.transport", RELAY) == DIRECT ? DIRECT : RELAY;
    }

    /** Checks the command's {@code transport} for a LAN link: absent or lan. */
    static void checkLanJoin(String argument) {
        Transport a = parse(argument, "transport", LAN);
        if (a != LAN) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "a weft://lan?… link is joined over the LAN, "
                    + "not with transport " + a.wire);
        }
    }
}
