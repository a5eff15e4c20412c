/** One section of the settings page: the id of its heading and the words its link shows. */
export interface SettingsSection {
  id: string
  label: string
  /** the person looking can read it but not change it */
  readOnly: boolean
}

/**
 * "On this page": a link to each section's heading. On a wide screen a column that stays in
 * view beside the sections; on a tablet a block of links above them, on a phone a row that
 * scrolls sideways. Plain `#id` links: the keyboard, Back and a copied address all work.
 */
export function SettingsNav({ sections }: { sections: SettingsSection[] }) {
  return (
    <nav className="settings-nav" aria-labelledby="settings-nav-heading">
      <h2 id="settings-nav-heading">On this page</h2>
      <ul>
        {sections.map((section) => (
          <li key={section.id}>
            <a href={`#${section.id}`}>
              {section.label}
              {section.readOnly && <span className="settings-nav-note"> (read only)</span>}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
