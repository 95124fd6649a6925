// Placeholder: this screen is being built.
export default function Notifications() {
  return <h1>Notifications</h1>;
}
