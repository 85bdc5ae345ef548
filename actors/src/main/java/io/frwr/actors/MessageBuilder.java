package io.frwr.actors;

import io.frwr.verbs.Segment;

import java.util.List;

/**
 * Builds the message that advertises a registration (an RFC 8166 header with its handles), so that the
 * QueuePair actor can post the FAST_REGs and the SEND as one chain. It runs on the transport's actor, between
 * mapping and posting: it must only encode into memory the caller owns and not block. A RuntimeException
 * fails the registration with BAD_REQUEST and its message.
 */
@FunctionalInterface
public interface MessageBuilder {
    /** {@return the SEND's gather list, built from the registration's handles between mapping and posting} */
    List<Segment> build(Registration registration);
}
