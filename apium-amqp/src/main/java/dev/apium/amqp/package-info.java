/**
 * RabbitMQ for Apium: {@link dev.apium.amqp.AmqpBroker} ({@code amqp://}, {@code amqps://}, {@code
 * pyamqp://}) and {@link dev.apium.amqp.RpcResultBackend} ({@code rpc://}), found through {@link
 * dev.apium.amqp.AmqpTransportFactory}.
 *
 * <p>Choices worth knowing:
 *
 * <ul>
 *   <li>Topology is Celery's, flag for flag: task queues durable, not auto-delete, no arguments (or
 *       {@code x-max-priority} when {@code task_queue_max_priority} is set) with a direct exchange
 *       of the same name; {@code celeryev} topic durable; {@code celery.pidbox} fanout and {@code
 *       reply.celery.pidbox} direct, both transient; listener queues with Celery's {@code
 *       x-expires}/{@code x-message-ttl}. Declarations run on throwaway channels so a mismatch is a
 *       clear error, not a dead shared channel.
 *   <li>Celery's queue settings shape each queue ({@link dev.apium.amqp.QueueSettings}): {@code
 *       task_default_queue_type} / {@code task_create_missing_queue_type} ({@code classic} or
 *       {@code quorum}) and per queue {@code task_queues.<q>.queue_arguments} (JSON), {@code
 *       .exchange}, {@code .exchange_type} ({@code direct}, {@code topic}, {@code fanout}) and
 *       {@code .routing_key}. A queue or exchange that exists with other arguments or another type
 *       is used as it is, with one warning; a durability mismatch stays an error.
 *   <li>Quorum queues refuse a global prefetch: a consume call that includes one uses {@code
 *       basic.qos(n, global=false)} and a static prefetch, as Celery 5.5+ does ({@code
 *       worker_detect_quorum_queues}, default true).
 *   <li>On a quorum setup Celery 5.5+'s native delayed delivery is joined ({@link
 *       dev.apium.amqp.NativeDelayedDelivery}): the {@code celery_delayed_*} ladder declared as
 *       kombu does, workers' {@code #.<routing key>} bindings, countdowns to a queue on a
 *       non-direct exchange published to {@code celery_delayed_27}, and long-ETA parking on the
 *       same ladder.
 *   <li>Every publish waits for its publisher confirm; a nack, a lost channel or a timeout (30 s)
 *       is a {@code BrokerException}. {@code AmqpBroker.publishAsync} returns once the message is
 *       written and hands out the confirm as a future instead (published mandatory, so an
 *       unroutable message fails it too); the messages of one thread keep their order because a
 *       thread always publishes on the same channel. Events and pidbox messages are not confirmed
 *       (kombu does not store them either).
 *   <li>Consumer acks are batched per channel: one {@code basic.ack(multiple=true)} covers a run of
 *       settled deliveries, never an unsettled lower one (acks stuck behind it go one by one after
 *       10 ms or when half the prefetch window waits); waiting acks are sent before the channel or
 *       the broker closes, so only unsettled deliveries return to the queue.
 *   <li>Prefetch is {@code basic.qos(n, global=true)} on a channel per consume call: the bound is
 *       shared by the queues of that call and a change applies at once. Celery does the same on
 *       RabbitMQ (py-amqp reports RabbitMQ's qos semantics as not matching the spec, so Celery
 *       passes {@code global=True}); per-consumer limits would neither bound the total nor change
 *       for running consumers.
 *   <li>Dead letters are copies in the durable queue {@code <queue>.dead} with a {@code
 *       dead_letter_reason} header, published with a confirm before the original is acked; no
 *       {@code x-dead-letter-exchange} argument, because that would change the task queue's
 *       arguments and break declaration compatibility with Celery.
 *   <li>ETA tasks far in the future are parked with {@code Delivery.deferUntil}: a confirmed copy
 *       goes into the {@link dev.apium.amqp.DelayLadder} (28 durable TTL queues, one per power of
 *       two seconds, no plugin, no head-of-line blocking), then the original is acked, so
 *       RabbitMQ's consumer timeout never sees a long-held delivery. A crash between the confirm
 *       and the ack can deliver the task twice; it is never lost.
 *   <li>{@code amqps://} verifies the server's certificate and hostname against the JVM's trust
 *       store ({@code javax.net.ssl.trustStore}), or only against the PEM CA file named by {@code
 *       broker_ssl_ca_certs} (Celery's {@code broker_use_ssl={'ca_certs': ...}}).
 *   <li>Connections recover automatically (amqp-client), with consumers, their qos and their
 *       private queues; a publish during recovery retries until its confirm deadline.
 * </ul>
 */
package dev.apium.amqp;
