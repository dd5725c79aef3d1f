/**
 * The client-facing behaviour of {@code @alejotoro-o/payload-real-time}, made safe, on the
 * Socket.IO server: start it with {@link dev.rowcast.server.realtime.RealtimeServer}.
 *
 * <p>What a client may send (namespace {@code /}):
 * <ul>
 *   <li>{@code identify(userId)}: a non-empty string or an integer; with a token, only the token's user.
 *   <li>{@code join(roomId | roomId[])}, {@code leave(roomId | roomId[])}: a room must be a
 *       non-empty string, allowed by {@code auth.rooms}, and not another connection's own room;
 *       refused rooms are not joined, the others of the same call are.
 *   <li>{@code presence:list(room, ack)}: answers {@code {"ok":true,"users":["1","2"]}}, each
 *       user once, in arrival order.
 *   <li>any other event {@code (name, {roomId, ...rest})}: relayed as {@code (name, rest)} to the
 *       room, the sender included; refused when the relay is off, the name is reserved
 *       (Socket.IO's own, {@code realtime:*}, {@code presence:*}, {@code rowcast:*}), the first
 *       argument is not an object with a string {@code roomId}, the room is not allowed, or the
 *       sender is not in it ({@code relay.requireMembership}).
 * </ul>
 * Each call asked with an ack is answered {@code {"ok":true}} or {@code {"ok":false,"error":"..."}};
 * without an ack, a success is silent (as the plugin) and a refusal is the event
 * {@code rowcast:error {"event":name,"error":"..."}}.
 *
 * <p>What the server sends: {@code presence:join}/{@code presence:leave {"room","userId"}} to a
 * room when an identified user's first socket joins it or their last one leaves (several tabs
 * count once; a socket that identifies after joining is announced then), and, when a token
 * expires, {@code rowcast:error {"event":"auth","error":"Token expired"}} followed by a disconnect
 * that keeps the session for a client coming back with a fresh token.
 *
 * <p>Tokens: with {@code auth.required}, CONNECT needs {@code {"token"}} and is refused with
 * {@code Missing token}/{@code Invalid token}/{@code Authentication failed} and
 * {@code data.reason}. With a key but {@code required: false}, a client without a token is
 * anonymous, but a token that is sent must be valid. Without a key, tokens are not looked at.
 * A client coming back through connection state recovery is checked as a fresh one, and keeps
 * only the rooms its new token allows.
 */
package dev.rowcast.server.realtime;
