// Sends one task with celery-node (an independent Celery client) and prints its result as JSON.
// usage: node send_task.js <broker> <backend> <queue> <task> <json-args>
const celery = require("celery-node");
const [broker, backend, queue, task, args] = process.argv.slice(2);
const client = celery.createClient(broker, backend, queue);
const result = client.createTask(task).applyAsync(JSON.parse(args));
result
  .get(20000)
  .then((value) => {
    process.stdout.write("@@OUT@@" + JSON.stringify({ id: result.taskId, result: value }) + "\n");
    return client.disconnect();
  })
  .catch((err) => {
    process.stderr.write("celery-node failed: " + err + "\n");
    process.exit(1);
  });
