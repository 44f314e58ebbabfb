package org.plasmid.servlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.google.common.base.Utf8;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.plasmid.core.Change;
import org.plasmid.core.JsonValue;

/**
 * Parses request bodies (JSON whatever the Content-Type, PROTOCOL.md §2) into what the engine takes.
 * Push values are sliced out of the body bytes, never decoded and re-encoded. Every malformed body is a
 * 400; a value over the limit is a 413.
 */
final class RequestBodies {
    private final JsonFactory factory;
    private final int maxValueBytes;
    private final int maxDepth;
    private final int maxObjects;

    RequestBodies(PlasmidServletOptions options) {
        this.factory = Json.readerFactory(options.maxDepth());
        this.maxValueBytes = options.maxValueBytes();
        this.maxDepth = options.maxDepth();
        this.maxObjects = options.maxObjectsPerPush();
    }

    /**
     * A push body: {@code {"last_revision": n, "data": {store: {key: value|null}}, "push_id": "..."}}.
     *
     * @param lastRevision the client's revision
     * @param changes the changes, nulls as deletions
     * @param pushId the idempotency token, or null
     */
    record Push(long lastRevision, List<Change> changes, String pushId) {
    }

    /**
     * @param body the body
     * @return the push
     * @throws RequestException 400 for a malformed body or shape, 413 for a value over the limit or more
     *     objects than allowed (refused at the first object past the limit)
     * @throws org.plasmid.core.PlasmidException INVALID for a bad store name or key
     */
    Push push(Body body) throws RequestException {
        try (JsonParser p = open(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw RequestException.badRequest("the body must be a JSON object");
            }
            Long lastRevision = null;
            List<Change> changes = null;
            String pushId = null;
            Set<String> seen = new HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (!seen.add(field)) {
                    throw RequestException.badRequest("duplicate field " + field);
                }
                switch (field) {
                    case "last_revision":
                        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            throw RequestException.badRequest("last_revision must be an integer");
                        }
                        lastRevision = p.getLongValue();
                        break;
                    case "data":
                        if (t != JsonToken.START_OBJECT) {
                            throw RequestException.badRequest("data must be an object of stores");
                        }
                        changes = data(p, body.bytes());
                        break;
                    case "push_id":
                        if (t != JsonToken.VALUE_NULL && t != JsonToken.VALUE_STRING) {
                            throw RequestException.badRequest("push_id must be a string");
                        }
                        pushId = t == JsonToken.VALUE_NULL ? null : p.getText();
                        break;
                    default:
                        p.skipChildren();
                }
            }
            end(p);
            if (lastRevision == null) {
                throw RequestException.badRequest("last_revision is required");
            }
            if (changes == null) {
                throw RequestException.badRequest("data is required");
            }
            return new Push(lastRevision, changes, pushId);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw RequestException.badRequest("unreadable JSON body");
        }
    }

    private List<Change> data(JsonParser p, byte[] source) throws IOException, RequestException {
        List<Change> changes = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String store = p.currentName();
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw RequestException.badRequest("each store in data must be an object of keys");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (changes.size() == maxObjects) {
                    throw RequestException.tooLarge("a push holds more than the limit of " + maxObjects + " objects");
                }
                String key = p.currentName();
                if (p.nextToken() == JsonToken.VALUE_NULL) {
                    changes.add(Change.delete(store, key));
                    continue;
                }
                JsonValue value = JsonValue.read(p, source);
                if (value.size() > maxValueBytes) {
                    throw RequestException.tooLarge("a value exceeds the limit of " + maxValueBytes + " bytes");
                }
                changes.add(Change.put(store, key, value));
            }
        }
        return changes;
    }

    /**
     * Reads a flat object of optional string fields, as the credential and grant bodies are. Unknown
     * fields are ignored; a blank body counts as {@code {}}.
     *
     * @param body the body
     * @param names the fields to read
     * @return each field's string, or null when absent or JSON null
     * @throws RequestException 400 for malformed JSON, a body that is not an object, or a field that is
     *     neither a string nor null
     */
    Map<String, String> strings(Body body, Set<String> names) throws RequestException {
        Map<String, String> result = new HashMap<>();
        if (body.isBlank()) {
            return result;
        }
        try (JsonParser p = open(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw RequestException.badRequest("the body must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (names.contains(field) && result.containsKey(field)) {
                    throw RequestException.badRequest("duplicate field " + field);
                }
                if (!names.contains(field)) {
                    p.skipChildren();
                } else if (t == JsonToken.VALUE_STRING) {
                    result.put(field, p.getText());
                } else if (t != JsonToken.VALUE_NULL) {
                    throw RequestException.badRequest(field + " must be a string");
                }
            }
            end(p);
            return result;
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw RequestException.badRequest("unreadable JSON body");
        }
    }

    private JsonParser open(Body body) throws IOException, RequestException {
        if (body.isBlank()) {
            throw RequestException.badRequest("a JSON body is required");
        }
        if (!Json.looksUtf8(body.bytes(), body.length()) || !Utf8.isWellFormed(body.bytes(), 0, body.length())) {
            // checked whole, up front: Jackson does not decode what it skips, and its name cache can take
            // an invalid name for a valid one (0xFF 'c' 'c' for "cc"), so a key could change meaning
            throw RequestException.badRequest("the body must be UTF-8 JSON");
        }
        return Json.parser(factory, body.bytes(), body.length());
    }

    private static void end(JsonParser p) throws IOException, RequestException {
        if (p.nextToken() != null) {
            throw RequestException.badRequest("trailing content after the JSON body");
        }
    }

    /**
     * Says where the JSON broke, never what was there: the parser's own message may quote the offending
     * token, and the body may hold a secret (POST a/) that must not be echoed.
     */
    private RequestException malformed(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return RequestException.badRequest("a value nests deeper than the limit of " + maxDepth);
        }
        JsonLocation at = e.getLocation();
        return RequestException.badRequest("malformed JSON (or not UTF-8)" + (at == null ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
    }
}
