package dev.apium.spi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One finished member of a chord header, as kept by the backend's join ({@code [1, id, state,
 * result]} in Celery's Redis {@code .j} zset).
 *
 * @param taskId the header task's id
 * @param state its final state
 * @param result its result or exception dict
 */
public record ChordPart(String taskId, String state, JsonNode result) {}
