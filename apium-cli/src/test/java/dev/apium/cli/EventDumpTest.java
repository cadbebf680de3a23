package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.protocol.CeleryJson;
import org.junit.jupiter.api.Test;

/**
 * {@code apium events --dump} prints events as {@code celery events --dump} does (lines captured
 * from Celery 5.2.6, without the receiver's own {@code local_received} field).
 */
class EventDumpTest {
  private final EventDump dump = new EventDump();

  @Test
  void taskEventsNameTheTaskFromItsReceivedEvent() {
    String received =
        dump.format(
            CeleryJson.parse(
                "{\"hostname\": \"pyw@mon\", \"utcoffset\": 0, \"pid\": 18104, \"clock\": 146,"
                    + " \"uuid\": \"aa9e77c7\", \"name\": \"montasks.add\", \"args\": \"(1, 2)\","
                    + " \"kwargs\": \"{}\", \"root_id\": \"aa9e77c7\", \"parent_id\": null,"
                    + " \"retries\": 0, \"eta\": null, \"expires\": null,"
                    + " \"timestamp\": 1796399727.414312, \"type\": \"task-received\"}"));
    assertThat(received)
        .isEqualTo(
            "pyw@mon [2026-12-04 15:55:27.414312] task received: montasks.add(aa9e77c7) args=(1,"
                + " 2) kwargs={} clock=146, eta=None, expires=None, parent_id=None, pid=18104,"
                + " retries=0, root_id=aa9e77c7, utcoffset=0");
    String succeeded =
        dump.format(
            CeleryJson.parse(
                "{\"hostname\": \"pyw@mon\", \"utcoffset\": 0, \"pid\": 18104, \"clock\": 150,"
                    + " \"uuid\": \"aa9e77c7\", \"result\": \"3\", \"runtime\": 0.109,"
                    + " \"timestamp\": 1796399727.597748, \"type\": \"task-succeeded\"}"));
    assertThat(succeeded)
        .isEqualTo(
            "pyw@mon [2026-12-04 15:55:27.597748] task succeeded: montasks.add(aa9e77c7) args=(1,"
                + " 2) kwargs={} clock=150, pid=18104, result=3, runtime=0.109, utcoffset=0");
  }

  @Test
  void workerEventsUseCeleryNames() {
    String line =
        dump.format(
            CeleryJson.parse(
                "{\"hostname\": \"pyw@mon\", \"utcoffset\": 0, \"pid\": 18104, \"clock\": 144,"
                    + " \"freq\": 2.0, \"active\": 0, \"processed\": 4, \"loadavg\": [11.59, 6.3,"
                    + " 2.74], \"sw_ident\": \"py-celery\", \"sw_ver\": \"5.2.6\", \"sw_sys\":"
                    + " \"Linux\", \"timestamp\": 1796399726.42223, \"type\":"
                    + " \"worker-heartbeat\"}"));
    assertThat(line)
        .isEqualTo(
            "pyw@mon [2026-12-04 15:55:26.422230] heartbeat: active=0, clock=144, freq=2.0,"
                + " loadavg=[11.59, 6.3, 2.74], pid=18104, processed=4, sw_ident=py-celery,"
                + " sw_sys=Linux, sw_ver=5.2.6, utcoffset=0");
    assertThat(EventDump.human("worker-offline")).isEqualTo("shutdown");
    assertThat(EventDump.human("worker-online")).isEqualTo("started");
  }
}
