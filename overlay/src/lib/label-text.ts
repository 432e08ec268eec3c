/**
 * Every non-ASCII character the overlay's own labels use (and the protocol's labels it shows),
 * loaded from the shipped font before a graphic is drawn, so no glyph is ever a box on air.
 * A test checks this list against the sources.
 */
export const OVERLAY_LABEL_TEXT =
  '·×÷—…●✓✗、。「」一三上不与专业两个中主之乡了五交产人仅从他价份众位低住作例保倒候值假停入全公共其内册再冻准出分则删别到前加务单占卡原去县及双反取叫可号各合同名后告员呼命和哈器四回因围在场均基备复天失头始姓委子字存完定实密对封小少尚层属岗工差已布希席常幕平序应废度开式录待得志态总意成或户才承抽拒拟择持按据掉接掷提摇播改放效敏数整新方无日时映暂更最有服期未本机村束条果查标校核模次正比求汇池法满演片状率现生用由电画留登的目直相看码确离种程稿符第等答算系级练结绝统综编群职联脱至致舍节范草行补被要见规视览解计设证评话误请诺败赛足跟轮输达过近进远连述退选递通道避部释重钟钥锁错镇镜间限除险随集零需面页项顺须预风验骰高（），：；';
