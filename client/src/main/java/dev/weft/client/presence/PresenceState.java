package dev.weft.client.presence;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One member's presence in a document as front ends publish it in {@code Awareness.state}
 * ({@code docs/protocol.md}, "Awareness state"): {@code {"name", "color", "email"?, "uri": <room document name>,
 * "selections": [{"anchor": b64, "active": b64}]}}. {@code email} (the member's git {@code user.email},
 * {@code docs/git.md}) is written only when known and read as {@code ""} when absent, so older peers, which neither
 * send nor read it, stay compatible. Immutable.
 *
 * <pre>{@code
 * PresenceState s = new PresenceState("ada", "#e6194b", "notes.md", List.of());
 * String json = s.toJson();                       // {"name":"ada","color":"#e6194b","uri":"notes.md","selections":[]}
 * PresenceState.parse(json).orElseThrow()         // equals s
 * }</pre>
 *
 * @param name       display name
 * @param color      {@code #rrggbb}
 * @param doc        the room document name the member is in (the JSON field {@code uri})
 * @param selections anchor/active pairs, each base64 of {@code RelativePosition.encode()}; empty = present but
 *                   no cursor to show
 * @param email      the member's e-mail (git {@code user.email}), or {@code ""} when unknown
 */
public record PresenceState(String name, String color, String doc, List<Selection> selections, String email) {
    private static final Gson GSON = new Gson();

    public PresenceState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(email, "email");
        selections = List.copyOf(selections);
    }

    /** A state without an e-mail. */
    public PresenceState(String name, String color, String doc, List<Selection> selections) {
        this(name, color, doc, selections, "");
    }

    /** One selection as two encoded relative positions. Immutable. */
    public record Selection(String anchor, String active) {
        public Selection {
            Objects.requireNonNull(anchor, "anchor");
            Objects.requireNonNull(active, "active");
        }
    }

    /** The awareness JSON of this state. */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.addProperty("color", color);
        if (!email.isEmpty()) {
            o.addProperty("email", email);
        }
        o.addProperty("uri", doc);
        JsonArray sels = new JsonArray();
        for (Selection s : selections) {
            JsonObject so = new JsonObject();
            so.addProperty("anchor", s.anchor());
            so.addProperty("active", s.active());
            sels.add(so);
        }
        o.add("selections", sels);
        return GSON.toJson(o);
    }

    /**
     * Parses another member's awareness JSON. Missing {@code name}/{@code color}/{@code uri}/{@code email} get
     * {@code defaultName}/{@code defaultColor}/{@code ""}/{@code ""}.
     *
     * @return empty if {@code json} is not an object in this shape (another front end's private state)
     */
    public static Optional<PresenceState> parse(String json, String defaultName, String defaultColor) {
        try {
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            List<Selection> sels = new ArrayList<>();
            JsonElement se = o.get("selections");
            if (se != null && se.isJsonArray()) {
                for (JsonElement e : se.getAsJsonArray()) {
                    JsonObject so = e.getAsJsonObject();
                    sels.add(new Selection(so.get("anchor").getAsString(), so.get("active").getAsString()));
                }
            }
            return Optional.of(new PresenceState(str(o, "name", defaultName), str(o, "color", defaultColor),
                    str(o, "uri", ""), sels, str(o, "email", "")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String str(JsonObject o, String k, String dflt) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? dflt : e.getAsString();
    }
}
