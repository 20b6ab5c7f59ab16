'use strict';

require('./dom.js');
const test = require('node:test');
const assert = require('node:assert');
const { act } = require('react-dom/test-utils');

test('the entry renders the app into #root and stops', () => {
  const root = document.createElement('div');
  root.id = 'root';
  document.body.appendChild(root);
  let main;
  act(() => {
    main = require('../src/main.js');
  });
  assert.strictEqual(root.querySelector('.visit').textContent, 'Hello, Ada');
  assert.strictEqual(root.querySelector('.count').textContent, '2');
  assert.deepStrictEqual(main.visits, ['mounted Ada']);
  act(() => {
    main.stop();
  });
  assert.strictEqual(root.innerHTML, '');
});
