// A minimal WebSocket client for flowbot: node examples/chat.js "will it rain tomorrow?" "bye"
// Connects, prints every frame the server sends, and sends each argument after each `waiting` frame.
const WebSocket = require('ws');

const url = process.env.FLOWBOT_WS ?? 'ws://127.0.0.1:8080/ws';
const messages = process.argv.slice(2);
const ws = new WebSocket(url);

ws.on('message', (data) => {
  const frame = JSON.parse(data.toString());
  console.log('<', JSON.stringify(frame));
  if (frame.type === 'waiting') {
    const text = messages.shift();
    if (text === undefined) return ws.close();
    const out = { type: 'message', text };
    console.log('>', JSON.stringify(out));
    ws.send(JSON.stringify(out));
  }
});
ws.on('close', (code, reason) => console.log(`closed ${code} ${reason}`));
