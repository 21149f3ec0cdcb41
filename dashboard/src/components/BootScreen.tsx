/**
 * What index.html shows before the script runs (its classes are styled there), kept while a tenant
 * page's first data loads: the page then renders once, complete.
 */
export function BootScreen() {
  return (
    <>
      <div className="boot-header">Cameleer</div>
      <p className="boot-note" role="status">
        Loading the console…
      </p>
    </>
  );
}
