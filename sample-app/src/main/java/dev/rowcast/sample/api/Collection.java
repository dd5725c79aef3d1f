package dev.rowcast.sample.api;

import java.util.Map;

/** A REST collection at {@code /api/{slug}}; every call is made on behalf of a signed-in user. */
public interface Collection {

    String slug();

    /** The singular label in Payload's "... successfully created." message. */
    String label();

    Page list(Query query, long userId);

    Map<String, Object> find(long id, long userId);

    Map<String, Object> create(Body body, long userId);

    Map<String, Object> update(long id, Body body, long userId);

    Map<String, Object> delete(long id, long userId);
}
