package dev.rowcast.agent.jdbc;

import java.util.List;

/** A committed JDBC transaction's writes, in execution order, handed to the pipeline thread. */
public record JdbcCommit(List<PendingWrite> writes, long ts) {}
