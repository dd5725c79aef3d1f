package dev.rowcast.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One entry under {@code collections:}.
 *
 * @param slug   the key; events are named {@code realtime:<slug>}
 * @param entity a Hibernate entity, simple or qualified name
 * @param table  a table written through JDBC
 * @param rooms  the compiled {@code room:} (one) or {@code rooms:} (several); empty: no room
 */
public record CollectionConfig(
        String slug,
        Optional<String> entity,
        Optional<String> table,
        Set<Operation> events,
        List<RoomTemplate> rooms,
        boolean broadcast,
        FieldFilter fields) {

    public static final Set<Operation> DEFAULT_EVENTS = Set.of(Operation.CREATE, Operation.UPDATE);

    public CollectionConfig {
        events = Set.copyOf(events);
        rooms = List.copyOf(rooms);
        fields = fields == null ? FieldFilter.ALL : fields;
    }

    /** The event name, {@code realtime:<slug>}. */
    public String eventName() {
        return "realtime:" + slug;
    }

    public boolean wants(Operation operation) {
        return events.contains(operation);
    }

    /**
     * The rooms of this row: each template that resolves, in order, without repeats. Empty: the row
     * has no room, and goes nowhere unless {@link #broadcast()}. Read it, never change it: a
     * one-template collection hands the same list to every row of that room.
     */
    public List<String> roomsFor(Map<String, ?> row) {
        if (rooms.size() == 1) {
            return rooms.get(0).roomList(row);
        }
        List<String> names = new ArrayList<>(rooms.size());
        for (RoomTemplate template : rooms) {
            String room = template.evaluate(row);
            if (room != null && !names.contains(room)) {
                names.add(room);
            }
        }
        return names;
    }

    /** {@code entity: Item} matches {@code app.Item}; a qualified name matches only itself. */
    public boolean matchesEntity(String entityName) {
        if (entity.isEmpty() || entityName == null) {
            return false;
        }
        String name = entity.get();
        return name.equals(entityName) || (name.indexOf('.') < 0 && entityName.endsWith("." + name));
    }

    /**
     * A write's table as its SQL names it, {@code messages} or {@code public.messages}. Names compare
     * without case, as SQL does for unquoted names. {@code table: messages} matches the table in any
     * schema; {@code table: public.messages} matches it where the SQL names that schema or none
     * (the connection's own).
     */
    public boolean matchesTable(String tableName) {
        if (table.isEmpty() || tableName == null) {
            return false;
        }
        String wanted = table.get();
        int dot = wanted.lastIndexOf('.');
        int given = tableName.lastIndexOf('.');
        if (!wanted.substring(dot + 1).equalsIgnoreCase(tableName.substring(given + 1))) {
            return false;
        }
        if (dot < 0 || given < 0) {
            return true;
        }
        String wantedSchema = wanted.substring(wanted.lastIndexOf('.', dot - 1) + 1, dot);
        String givenSchema = tableName.substring(tableName.lastIndexOf('.', given - 1) + 1, given);
        return wantedSchema.equalsIgnoreCase(givenSchema);
    }
}
