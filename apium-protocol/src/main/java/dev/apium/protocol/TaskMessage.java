package dev.apium.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Celery task invocation, decoded: the v2 headers, the body tuple ({@code args, kwargs, embed})
 * and the properties a worker needs ({@code correlation_id}, {@code reply_to}, {@code priority}).
 * Immutable; build with {@link #builder(String, String)} or {@link #toBuilder()}. Encoding and
 * decoding live in {@link TaskMessageCodec}.
 */
public final class TaskMessage {
  private final String task;
  private final String id;
  private final String lang;
  private final String shadow;
  private final Instant eta;
  private final Instant expires;
  private final String group;
  private final Integer groupIndex;
  private final int retries;
  private final Double hardTimeLimit;
  private final Double softTimeLimit;
  private final String rootId;
  private final String parentId;
  private final String argsRepr;
  private final String kwargsRepr;
  private final String origin;
  private final boolean ignoreResult;
  private final Map<String, Object> extraHeaders;
  private final ArrayNode args;
  private final ObjectNode kwargs;
  private final Embed embed;
  private final String replyTo;
  private final int priority;
  private final int protocol;

  private TaskMessage(Builder b) {
    if (b.task == null || b.task.isEmpty()) {
      throw new MalformedMessageException("task message has no 'task' name");
    }
    if (b.id == null || b.id.isEmpty()) {
      throw new MalformedMessageException("task message for '" + b.task + "' has no 'id'");
    }
    task = b.task;
    id = b.id;
    lang = b.lang;
    shadow = b.shadow;
    eta = b.eta;
    expires = b.expires;
    group = b.group;
    groupIndex = b.groupIndex;
    retries = b.retries;
    hardTimeLimit = b.hardTimeLimit;
    softTimeLimit = b.softTimeLimit;
    rootId = b.rootId == null ? b.id : b.rootId;
    parentId = b.parentId;
    args = b.args == null ? CeleryJson.array() : b.args;
    kwargs = b.kwargs == null ? CeleryJson.object() : b.kwargs;
    argsRepr = b.argsRepr == null ? PythonRepr.ofArgs(args) : b.argsRepr;
    kwargsRepr = b.kwargsRepr == null ? PythonRepr.of(kwargs) : b.kwargsRepr;
    origin = b.origin;
    ignoreResult = b.ignoreResult;
    extraHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(b.extraHeaders));
    embed = b.embed == null ? Embed.NONE : b.embed;
    replyTo = b.replyTo;
    priority = b.priority;
    protocol = b.protocol;
  }

  public static Builder builder(String task, String id) {
    Builder b = new Builder();
    b.task = task;
    b.id = id;
    return b;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.task = task;
    b.id = id;
    b.lang = lang;
    b.shadow = shadow;
    b.eta = eta;
    b.expires = expires;
    b.group = group;
    b.groupIndex = groupIndex;
    b.retries = retries;
    b.hardTimeLimit = hardTimeLimit;
    b.softTimeLimit = softTimeLimit;
    b.rootId = rootId;
    b.parentId = parentId;
    b.argsRepr = argsRepr;
    b.kwargsRepr = kwargsRepr;
    b.origin = origin;
    b.ignoreResult = ignoreResult;
    b.extraHeaders.putAll(extraHeaders);
    b.args = args;
    b.kwargs = kwargs;
    b.embed = embed;
    b.replyTo = replyTo;
    b.priority = priority;
    b.protocol = protocol;
    return b;
  }

  public String task() {
    return task;
  }

  public String id() {
    return id;
  }

  public String lang() {
    return lang;
  }

  public String shadow() {
    return shadow;
  }

  public Instant eta() {
    return eta;
  }

  public Instant expires() {
    return expires;
  }

  public String group() {
    return group;
  }

  public Integer groupIndex() {
    return groupIndex;
  }

  public int retries() {
    return retries;
  }

  /** Hard time limit in seconds ({@code timelimit[0]}), or null. */
  public Double hardTimeLimit() {
    return hardTimeLimit;
  }

  /** Soft time limit in seconds ({@code timelimit[1]}), or null. */
  public Double softTimeLimit() {
    return softTimeLimit;
  }

  public String rootId() {
    return rootId;
  }

  public String parentId() {
    return parentId;
  }

  public String argsRepr() {
    return argsRepr;
  }

  public String kwargsRepr() {
    return kwargsRepr;
  }

  public String origin() {
    return origin;
  }

  public boolean ignoreResult() {
    return ignoreResult;
  }

  /** Headers beyond Celery's standard set, e.g. custom {@code apply_async(headers=...)} keys. */
  public Map<String, Object> extraHeaders() {
    return extraHeaders;
  }

  public ArrayNode args() {
    return args;
  }

  public ObjectNode kwargs() {
    return kwargs;
  }

  public Embed embed() {
    return embed;
  }

  public String replyTo() {
    return replyTo;
  }

  public int priority() {
    return priority;
  }

  /** 2 for the current protocol, 1 for a legacy body-dict message. */
  public int protocol() {
    return protocol;
  }

  @Override
  public String toString() {
    return task + "[" + id + "]" + argsRepr;
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private String task;
    private String id;
    private String lang = "java";
    private String shadow;
    private Instant eta;
    private Instant expires;
    private String group;
    private Integer groupIndex;
    private int retries;
    private Double hardTimeLimit;
    private Double softTimeLimit;
    private String rootId;
    private String parentId;
    private String argsRepr;
    private String kwargsRepr;
    private String origin;
    private boolean ignoreResult;
    private final Map<String, Object> extraHeaders = new LinkedHashMap<>();
    private ArrayNode args;
    private ObjectNode kwargs;
    private Embed embed;
    private String replyTo = "";
    private int priority;
    private int protocol = 2;

    private Builder() {}

    public Builder task(String value) {
      task = value;
      return this;
    }

    public Builder id(String value) {
      id = value;
      return this;
    }

    public Builder lang(String value) {
      lang = value;
      return this;
    }

    public Builder shadow(String value) {
      shadow = value;
      return this;
    }

    public Builder eta(Instant value) {
      eta = value;
      return this;
    }

    public Builder expires(Instant value) {
      expires = value;
      return this;
    }

    public Builder group(String value) {
      group = value;
      return this;
    }

    public Builder groupIndex(Integer value) {
      groupIndex = value;
      return this;
    }

    public Builder retries(int value) {
      retries = value;
      return this;
    }

    public Builder timeLimit(Double hard, Double soft) {
      hardTimeLimit = hard;
      softTimeLimit = soft;
      return this;
    }

    public Builder rootId(String value) {
      rootId = value;
      return this;
    }

    public Builder parentId(String value) {
      parentId = value;
      return this;
    }

    public Builder argsRepr(String value) {
      argsRepr = value;
      return this;
    }

    public Builder kwargsRepr(String value) {
      kwargsRepr = value;
      return this;
    }

    public Builder origin(String value) {
      origin = value;
      return this;
    }

    public Builder ignoreResult(boolean value) {
      ignoreResult = value;
      return this;
    }

    public Builder header(String name, Object value) {
      extraHeaders.put(name, value);
      return this;
    }

    public Builder headers(Map<String, Object> values) {
      extraHeaders.putAll(values);
      return this;
    }

    /** New positional args; the repr is recomputed unless set again. */
    public Builder args(ArrayNode value) {
      args = value;
      argsRepr = null;
      return this;
    }

    public Builder kwargs(ObjectNode value) {
      kwargs = value;
      kwargsRepr = null;
      return this;
    }

    public Builder embed(Embed value) {
      embed = value;
      return this;
    }

    public Builder replyTo(String value) {
      replyTo = value;
      return this;
    }

    public Builder priority(int value) {
      priority = value;
      return this;
    }

    public Builder protocol(int value) {
      protocol = value;
      return this;
    }

    public TaskMessage build() {
      return new TaskMessage(this);
    }
  }
}
