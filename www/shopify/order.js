// The stand-in thank-you page around the block: the order summary, the frame's height, and the
// events the block publishes for the app pixel.
const order = await fetch('/shopify/order.json').then((r) => r.json());
const money = (minor) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(minor / 100);
const summary = document.getElementById('summary');
for (const l of order.lines) {
  const li = document.createElement('li');
  li.textContent = `${l.quantity} × ${l.title} — ${money(l.price * l.quantity)}`;
  summary.append(li);
}
const events = document.getElementById('events');
addEventListener('message', (e) => {
  if (e.origin !== location.origin) return;
  if (e.data && e.data.crossbuyHeight) document.getElementById('block').style.height = `${e.data.crossbuyHeight + 24}px`;
  if (e.data && e.data.crossbuy) {
    const { name, data } = e.data.crossbuy;
    const shown = { ...data };
    if (typeof shown.snapshot === 'string') shown.snapshot = `(${shown.snapshot.length} characters: the catalog joined for this order)`;
    events.textContent += `${name} ${JSON.stringify(shown, null, 1)}\n`;
  }
});
