package dev.rowcast.agent.hibernate;

/** How a property's value becomes a plain value: decided once from its Hibernate type, never by trying. */
enum ValueKind {
    /** A column value: kept as it is, or copied (dates, arrays). */
    BASIC,
    /** A related entity: its identifier, read without initialising a proxy. */
    ASSOCIATION,
    /** An @Embedded value: a map of its own plain values. */
    EMBEDDED,
    /** Not a column of the row: a collection, or 5.x's copy of an @IdClass id. */
    LEFT_OUT
}
