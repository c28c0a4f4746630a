// A minimal WebSocket client for flowbot: node examples/chat.js "will it rain tomorrow?" "bye"
// Connects, prints every frame the server sends, and sends each argument after each `waiting` frame.
// Where the bot offers choices (buttons) they are printed numbered; an argument that is just a number
// picks that choice with a `choice` frame, any other argument is sent as a message.
const WebSocket = require('ws');

const url = process.env.FLOWBOT_WS ?? 'ws://127.0.0.1:8080/ws';
const messages = process.argv.slice(2);
const ws = new WebSocket(url);

ws.on('message', (data) => {
  const frame = JSON.parse(data.toString());
  console.log('<', JSON.stringify(frame));
  if (frame.type === 'waiting') {
    const choices = frame.choices ?? [];
    choices.forEach((choice, i) => console.log(`  ${i + 1}) ${choice.label}`));
    const text = messages.shift();
    if (text === undefined) return ws.close();
    const picked = /^\d+$/.test(text) ? choices[Number(text) - 1] : undefined;
    const out = picked ? { type: 'choice', value: picked.value } : { type: 'message', text };
    console.log('>', JSON.stringify(out));
    ws.send(JSON.stringify(out));
  }
});
ws.on('close', (code, reason) => console.log(`closed ${code} ${reason}`));
