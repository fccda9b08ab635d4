/**
 * Rows of text cells as an aligned plain-text table: the first column left-aligned, the
 * figures right-aligned, a rule under the header.
 */
export function alignedTable(
	header: readonly string[],
	rows: readonly (readonly string[])[],
): string {
	const widths = header.map((title, column) =>
		Math.max(title.length, ...rows.map((row) => row[column]!.length)),
	);
	const render = (cells: readonly string[]) =>
		cells
			.map((cell, column) =>
				column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
			)
			.join('  ');
	return [
		render(header),
		widths.map((width) => '-'.repeat(width)).join('  '),
		...rows.map(render),
	].join('\n');
}
