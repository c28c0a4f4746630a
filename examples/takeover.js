// Shows a takeover between two instances: node examples/takeover.js CONVERSATION_ID ["a message"]
// Resumes the conversation on the first instance, then, while that socket is open, on the second one,
// and sends a message there: the first socket gets `replaced` and close code 4409, only the second
// one gets the reply. FLOWBOT_WS_1 and FLOWBOT_WS_2 name the instances (default ports 8081 and 8082).
const WebSocket = require('ws');

const [id, text = 'any cheap flights?'] = process.argv.slice(2);
if (!id) {
  console.error('usage: node examples/takeover.js CONVERSATION_ID ["a message"]');
  process.exit(2);
}
const instances = [
  ['flowbot-1', process.env.FLOWBOT_WS_1 ?? 'ws://127.0.0.1:8081/ws'],
  ['flowbot-2', process.env.FLOWBOT_WS_2 ?? 'ws://127.0.0.1:8082/ws'],
];

/** Opens a resume on one instance, printing every frame; resolves at its first `waiting` frame. */
function resume([name, url], onFrame = () => undefined) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}?conversationId=${encodeURIComponent(id)}`);
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      console.log(`${name} <`, JSON.stringify(frame));
      if (frame.type === 'waiting') resolve(ws);
      onFrame(frame, ws);
    });
    ws.on('close', (code, reason) => console.log(`${name} closed ${code} ${reason}`));
    ws.on('error', reject);
  });
}

async function main() {
  const first = await resume(instances[0]);
  const firstClosed = new Promise((resolve) => first.on('close', resolve));
  let waits = 0;
  const second = await resume(instances[1], (frame, ws) => {
    if (frame.type === 'waiting' && ++waits === 2) ws.close();
  });
  console.log(`${instances[1][0]} >`, JSON.stringify({ type: 'message', text }));
  second.send(JSON.stringify({ type: 'message', text }));
  await firstClosed;
}

main().catch((err) => {
  console.error(`takeover: ${err.message}`);
  process.exit(1);
});
