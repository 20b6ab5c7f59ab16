import './dom.js';
import test from 'node:test';
import assert from 'node:assert';
import React from 'react';
import ReactDOM from 'react-dom';
import TestUtils from 'react-dom/test-utils.js';
import { Counter } from '../src/counter.js';
import { NameField } from '../src/name-field.js';
import { TodoForm } from '../src/todo-form.js';
import { VisitLog } from '../src/visit-log.js';

function mount(element) {
  const container = document.createElement('div');
  document.body.appendChild(container);
  TestUtils.act(() => {
    ReactDOM.render(element, container);
  });
  return {
    container,
    update(next) {
      TestUtils.act(() => {
        ReactDOM.render(next, container);
      });
    },
    unmount() {
      TestUtils.act(() => {
        ReactDOM.unmountComponentAtNode(container);
      });
      container.remove();
    },
  };
}

function click(node) {
  TestUtils.act(() => {
    node.dispatchEvent(new window.MouseEvent('click', { bubbles: true }));
  });
}

test('the counter starts at its initial value and increments', () => {
  const view = mount(React.createElement(Counter, { initial: 3 }));
  assert.strictEqual(view.container.querySelector('.count').textContent, '3');
  click(view.container.querySelector('.plus'));
  assert.strictEqual(view.container.querySelector('.count').textContent, '4');
  view.unmount();
});

test('the counter follows a new initial value', () => {
  const view = mount(React.createElement(Counter, { initial: 1 }));
  view.update(React.createElement(Counter, { initial: 7 }));
  assert.strictEqual(view.container.querySelector('.count').textContent, '7');
  view.unmount();
});

test('the visit log records the mount', () => {
  const log = [];
  const view = mount(React.createElement(VisitLog, { name: 'Ada', log }));
  assert.deepStrictEqual(log, ['mounted Ada']);
  assert.strictEqual(view.container.textContent, 'Hello, Ada');
  view.unmount();
});

test('the name field takes the focus', () => {
  const view = mount(React.createElement(NameField, { value: 'Ada' }));
  assert.strictEqual(document.activeElement, view.container.querySelector('input.name'));
  view.unmount();
});

test('the todo form adds the typed todo and clears the field', () => {
  const view = mount(React.createElement(TodoForm, null));
  const field = view.container.querySelector('input');
  field.value = 'write tests';
  TestUtils.act(() => {
    view.container
      .querySelector('form')
      .dispatchEvent(new window.Event('submit', { bubbles: true, cancelable: true }));
  });
  assert.deepStrictEqual(
    Array.from(view.container.querySelectorAll('li'), (li) => li.textContent),
    ['write tests']
  );
  assert.strictEqual(field.value, '');
  view.unmount();
});
