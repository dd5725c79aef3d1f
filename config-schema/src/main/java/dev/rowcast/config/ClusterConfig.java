package dev.rowcast.config;

/**
 * {@code cluster:} of rowcast.yml: the Redis that several instances share. Absent from the file,
 * {@link RowcastConfig#cluster()} is null and the instance runs alone.
 *
 * @param redis     redis:// or rediss:// URI, password included when there is one
 * @param keyPrefix prefix of every key and stream in Redis
 */
public record ClusterConfig(String redis, String keyPrefix) {

    public static final String DEFAULT_KEY_PREFIX = "rowcast";

    /** The URI without its password, for messages. */
    public String redisForLog() {
        int at = redis.lastIndexOf('@');
        int scheme = redis.indexOf("://");
        return at < 0 || scheme < 0 ? redis : redis.substring(0, scheme + 3) + redis.substring(at + 1);
    }

    @Override
    public String toString() {
        return "ClusterConfig[redis=" + redisForLog() + ", keyPrefix=" + keyPrefix + "]";
    }
}
