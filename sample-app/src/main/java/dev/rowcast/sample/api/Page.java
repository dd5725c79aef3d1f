package dev.rowcast.sample.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One page of a list, rendered as Payload's paginated response. */
public record Page(List<Map<String, Object>> docs, long totalDocs, Query query) {

    public Map<String, Object> toJson() {
        int limit = query.limit();
        int page = query.page();
        long totalPages = Math.max(1, (totalDocs + limit - 1) / limit);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("docs", docs);
        json.put("totalDocs", totalDocs);
        json.put("limit", limit);
        json.put("totalPages", totalPages);
        json.put("page", page);
        json.put("pagingCounter", (long) (page - 1) * limit + 1);
        json.put("hasPrevPage", page > 1);
        json.put("hasNextPage", page < totalPages);
        json.put("prevPage", page > 1 ? page - 1 : null);
        json.put("nextPage", page < totalPages ? page + 1 : null);
        return json;
    }
}
