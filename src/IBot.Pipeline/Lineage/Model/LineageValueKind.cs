namespace IBot.Pipeline.Lineage.Model;

public enum LineageValueKind : byte
{
    Missing = 0,
    Number = 1,
    Text = 2,
    Bool = 3,
}
