"""An nbgrader preprocessor that puts deleted graded cells back wherever they were.

nbgrader 0.9's ``OverwriteCells.add_missing_cells`` re-inserts a deleted grade cell after
the previous *graded* cell of the source notebook, and fails the whole submission with a
KeyError when that previous cell is an ordinary read-only cell -- which is the case for
every quiz test cell (it follows its question's widget cell). This subclass inserts the
cell after the nearest earlier source cell still present, or first. quizzes/
nbgrader_config.py puts it in place of ``OverwriteCells`` for ``nbgrader autograde``.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbgrader.preprocessors import OverwriteCells


class OverwriteCellsInOrder(OverwriteCells):
    def add_missing_grade_cells(self, nb: NotebookNode, resources: dict) -> tuple:
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = list(source_nb.source_cells)  # in the order they were saved
        order = [cell.name for cell in source_cells]
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}

        def positions() -> dict[str, int]:
            return {
                cell.metadata["nbgrader"]["grade_id"]: index
                for index, cell in enumerate(nb.cells)
                if cell.metadata.get("nbgrader", {}).get("grade_id")
            }

        for name in sorted(grade_cells, key=lambda n: order.index(n) if n in order else 0):
            present = positions()
            if name in present or name not in order:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", name)
            at = order.index(name)
            cell = self.missing_cell_transform(
                source_cells[at], grade_cells[name].max_score, is_solution=name in solution_ids
            )
            insert_at = 0
            for earlier in reversed(order[:at]):
                if earlier in present:
                    insert_at = present[earlier] + 1
                    break
            nb.cells.insert(insert_at, cell)
        return nb, resources
