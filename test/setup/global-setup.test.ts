import { selectedProjects } from './global-setup';

test('selectedProjects reads --selectProjects from jest argv', () => {
  expect(selectedProjects(['node', 'jest'])).toBeUndefined();
  expect(selectedProjects(['node', 'jest', '--selectProjects', 'unit'])).toEqual(['unit']);
  expect(selectedProjects(['node', 'jest', '--selectProjects', 'unit', 'integration', '--runInBand'])).toEqual(['unit', 'integration']);
  expect(selectedProjects(['node', 'jest', '--selectProjects=reliability', '--', 'x'])).toEqual(['reliability']);
});
