package dev.apium;

import dev.apium.protocol.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of one task call, Celery's {@code apply_async} keywords: countdown, eta, expires, queue,
 * priority, headers, task id, ignore result, time limits, links. A fluent, mutable builder used by
 * one thread while a call is prepared; the app copies what it needs when sending.
 */
public final class CallOptions {
  Duration countdown;
  Instant eta;
  Instant expires;
  Duration expiresIn;
  String queue;
  String exchange;
  String routingKey;
  Integer priority;
  final Map<String, Object> headers = new LinkedHashMap<>();
  String taskId;
  Boolean ignoreResult;
  Duration timeLimit;
  Duration softTimeLimit;
  String shadow;
  String parentId;
  String rootId;
  String group;
  Integer groupIndex;
  final List<Signature> link = new ArrayList<>();
  final List<Signature> linkError = new ArrayList<>();
  List<Signature> chain;
  Signature chord;
  String argsRepr;
  String kwargsRepr;

  public static CallOptions create() {
    return new CallOptions();
  }

  /** Run no earlier than this long from now (sent as an absolute {@code eta}, as Celery does). */
  public CallOptions countdown(Duration value) {
    countdown = value;
    return this;
  }

  public CallOptions eta(Instant value) {
    eta = value;
    return this;
  }

  /** Do not run after this instant: the worker marks the task REVOKED instead. */
  public CallOptions expires(Instant value) {
    expires = value;
    return this;
  }

  public CallOptions expires(Duration fromNow) {
    expiresIn = fromNow;
    return this;
  }

  public CallOptions queue(String value) {
    queue = value;
    return this;
  }

  /** Publish to a named exchange with a routing key instead of straight to a queue. */
  public CallOptions exchange(String name, String key) {
    exchange = name;
    routingKey = key;
    return this;
  }

  /** 0-9; on Redis lower numbers run first, on RabbitMQ higher ones (as in Celery). */
  public CallOptions priority(int value) {
    priority = value;
    return this;
  }

  public CallOptions header(String name, Object value) {
    headers.put(name, value);
    return this;
  }

  public CallOptions headers(Map<String, ?> values) {
    headers.putAll(values);
    return this;
  }

  /**
   * Celery's {@code argsrepr}: what logs, events and {@code inspect} show instead of the args (e.g.
   * {@code "('***',)"} to hide a password). The args themselves are sent unchanged.
   */
  public CallOptions argsRepr(String value) {
    argsRepr = value;
    return this;
  }

  /** Celery's {@code kwargsrepr}: shown instead of the kwargs, like {@link #argsRepr}. */
  public CallOptions kwargsRepr(String value) {
    kwargsRepr = value;
    return this;
  }

  public CallOptions taskId(String value) {
    taskId = value;
    return this;
  }

  public CallOptions ignoreResult(boolean value) {
    ignoreResult = value;
    return this;
  }

  /** Hard limit: the task fails with TimeLimitExceeded after this long. */
  public CallOptions timeLimit(Duration value) {
    timeLimit = value;
    return this;
  }

  /** Soft limit: the task is interrupted after this long and may clean up. */
  public CallOptions softTimeLimit(Duration value) {
    softTimeLimit = value;
    return this;
  }

  public CallOptions shadow(String value) {
    shadow = value;
    return this;
  }

  /** Send this signature with the result when the task succeeds. */
  public CallOptions link(Signature callback) {
    link.add(callback);
    return this;
  }

  /** Send (or call) this signature when the task fails. */
  public CallOptions linkError(Signature errback) {
    linkError.add(errback);
    return this;
  }

  public CallOptions parentId(String value) {
    parentId = value;
    return this;
  }

  public CallOptions rootId(String value) {
    rootId = value;
    return this;
  }

  /** Membership of a group or chord header. */
  public CallOptions group(String id, Integer index) {
    group = id;
    groupIndex = index;
    return this;
  }

  /** The remaining links of a chain, last first ({@code embed.chain}). */
  public CallOptions chain(List<Signature> rest) {
    chain = rest;
    return this;
  }

  /** The chord body this header task belongs to ({@code embed.chord}). */
  public CallOptions chord(Signature body) {
    chord = body;
    return this;
  }

  CallOptions copy() {
    CallOptions c = new CallOptions();
    c.countdown = countdown;
    c.eta = eta;
    c.expires = expires;
    c.expiresIn = expiresIn;
    c.queue = queue;
    c.exchange = exchange;
    c.routingKey = routingKey;
    c.priority = priority;
    c.headers.putAll(headers);
    c.taskId = taskId;
    c.ignoreResult = ignoreResult;
    c.timeLimit = timeLimit;
    c.softTimeLimit = softTimeLimit;
    c.shadow = shadow;
    c.parentId = parentId;
    c.rootId = rootId;
    c.group = group;
    c.groupIndex = groupIndex;
    c.link.addAll(link);
    c.linkError.addAll(linkError);
    c.chain = chain;
    c.chord = chord;
    c.argsRepr = argsRepr;
    c.kwargsRepr = kwargsRepr;
    return c;
  }
}
