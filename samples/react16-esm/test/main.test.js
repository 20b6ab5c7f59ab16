import './dom.js';
import test from 'node:test';
import assert from 'node:assert';
import TestUtils from 'react-dom/test-utils.js';

test('the entry renders the app into #root and stops', async () => {
  const root = document.createElement('div');
  root.id = 'root';
  document.body.appendChild(root);
  let main;
  await TestUtils.act(async () => {
    main = await import('../src/main.js');
  });
  assert.strictEqual(root.querySelector('.visit').textContent, 'Hello, Ada');
  assert.strictEqual(root.querySelector('.count').textContent, '2');
  assert.deepStrictEqual(main.visits, ['mounted Ada']);
  TestUtils.act(() => {
    main.stop();
  });
  assert.strictEqual(root.innerHTML, '');
});
