/**
 * Every non-ASCII character the overlay's own labels use (and the protocol's labels it shows),
 * loaded from the shipped font before a graphic is drawn, so no glyph is ever a box on air.
 * A test checks this list against the sources.
 */
export const OVERLAY_LABEL_TEXT =
  '·×÷—…●✓✗、。「」一三上下不与专业两个中主之乡了事二五交产人仅从他件价任份众位低住何作例保倒候值假停先入全公共其内册再决冻准出分则删别到前加务动区单占卡即卷原去县及双反取叫可台号各合同名后告员呼命和哈器四回因围在场均垫基备复天失头始姓委子字存安完定实密对封将小少尚层屏属岗工差已布希席常幕平序应府废度开式录待得志态总意成或户手才打扫承技抽拒拟择持按据掉接掷提摇播收改放政故效敏数整新方无日时映暂更最有服期未本术机村束条果查标校核模次欢正此比求汇池法测滚满演片状率现生用由电画留登的目直相看知码确离种程稍稿站符第等答算系级线练结绝统继续维综编网群职联脱至致舍节范草行补被要见规视览角解计设访证评诉试话误请诺象败账赛走足跟轮输达过迎近进远连述退选递通道避部释重钟钥锁错镇镜问间限除险随障集零需面页项顺须预题风验骰高（），：；';
